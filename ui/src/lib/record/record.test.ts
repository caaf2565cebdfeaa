import { describe, expect, it } from 'vitest';
import type { Event } from '../ipc';
import { dayEnd, dayStart, kindOf, placeOf, splitSubject, summary } from './record';

function event(action: string, details: unknown): Event {
  return {
    seq: 1,
    at: '2026-12-01T10:00:00.000Z',
    launch_id: 'l',
    actor: 'ana',
    actor_role: null,
    action,
    subject: 'item:PRE-07',
    details: typeof details === 'string' ? details : JSON.stringify(details),
    prev_hash: '',
    hash: '',
  };
}

describe('record', () => {
  it('opens items and incidents by their id, other subjects in their view', () => {
    expect(placeOf('item:PRE-07')).toEqual({ view: 'readiness', item: 'PRE-07' });
    expect(placeOf('incident:0193')).toEqual({ view: 'incidents', incident: '0193' });
    expect(placeOf('run:abc')).toEqual({ view: 'deploy', run: 'abc' });
    expect(placeOf('trigger:t1')).toEqual({ view: 'deploy' });
    expect(placeOf('settings:backup.keep')).toBeNull();
    expect(splitSubject('urn:x:y')).toEqual(['urn', 'x:y']);
    expect(kindOf('item.tick')).toBe('item');
    expect(kindOf('profile')).toBe('profile');
  });

  it('reads what an event is about and what was said', () => {
    expect(summary(event('item.tick', { key: 'PRE-07', title: 'Load test', note: 'report in wiki' }))).toBe(
      'Load test · “report in wiki”',
    );
    expect(summary(event('signoff.sign', { role: 'tech', verdict: 'go', comment: '' }))).toBe('verdict go');
    expect(summary(event('settings.change', { keep: 12 }))).toBe('keep: 12');
    expect(summary(event('x', 'not json'))).toBe('not json');
    expect(summary(event('record.key', { public_key: 'ab'.repeat(32) }))).toBe(`public_key: ${'ab'.repeat(8)}…`);
  });

  it('turns a calendar day into the instants around it', () => {
    const start = dayStart('2026-12-07');
    const end = dayEnd('2026-12-07');
    expect(start).not.toBeNull();
    expect(new Date(end!).getTime() - new Date(start!).getTime()).toBeGreaterThanOrEqual(23 * 3600_000);
    expect(dayStart('7.12.2026')).toBeNull();
  });
});
