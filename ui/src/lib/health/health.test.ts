import { describe, expect, it } from 'vitest';
import { ago, certText, certTone, conditionLines, headerLines, latencyText, stateOf, tally } from './health';
import type { EnvironmentView, MonitorState } from '../ipc';

const state = (s: string): MonitorState => ({
  monitor_id: 'm',
  state: s,
  failures_in_row: 0,
  passes_in_row: 0,
  since_ms: 0,
  last_at_ms: null,
  last_verdict: null,
  last_latency_ms: null,
  last_reason: null,
  last_detail: null,
  cert_days_left: null,
  components: [],
  measurements: [],
});

describe('health words', () => {
  it('names every state, and a missing credential is not down', () => {
    expect(stateOf(state('down'))).toEqual({ words: 'Down', tone: 'bad' });
    expect(stateOf(state('credential_unavailable')).words).toBe('Credential unavailable');
    expect(stateOf(state('credential_unavailable')).tone).not.toBe('bad');
    expect(stateOf(null).words).toBe('Not probed yet');
  });

  it('formats latency, certificates and ages', () => {
    expect(latencyText(42)).toBe('42 ms');
    expect(latencyText(2500)).toBe('2.5 s');
    expect(latencyText(null)).toBe('—');
    expect(certText(10)).toBe('certificate 10 days left');
    expect(certText(-1)).toBe('certificate expired');
    expect([certTone(5), certTone(20), certTone(90)]).toEqual(['bad', 'warn', 'ok']);
    expect(ago(1_000, 61_000)).toBe('1 min ago');
  });

  it('reads conditions and headers line by line, naming a bad line', () => {
    expect(conditionLines(' status == 200 \n\n$.status == UP')).toEqual(['status == 200', '$.status == UP']);
    expect(headerLines('Accept: application/json\nX-Env: prod').headers).toEqual([
      ['Accept', 'application/json'],
      ['X-Env', 'prod'],
    ]);
    expect(headerLines('Accept application/json').error).toBe('Header line 1 is not "Name: value".');
  });

  it('tallies monitors and open alerts', () => {
    const env = (states: string[]): EnvironmentView => ({
      environment: { id: 'e', name: 'production', production: true },
      monitors: states.map((s, i) => ({ monitor: { id: `m${i}` } as never, state: state(s) })),
    });
    const t = tally([env(['up', 'down', 'down', 'credential_unavailable'])], []);
    expect([t.monitors, t.up, t.down, t.unavailable, t.openAlerts]).toEqual([4, 1, 2, 1, 0]);
  });
});
