import { describe, expect, it } from 'vitest';
import {
  LogWindow,
  around,
  comparedToAverage,
  durationText,
  parseArgumentLines,
  parseHeaders,
  parsePairs,
  progress,
  stateOf,
  clampTop,
  thumb,
  topAtThumb,
} from './deploy';
import type { Run } from '../ipc';

describe('deploy words', () => {
  it('names every state with a colour that is not the only signal', () => {
    expect(stateOf('succeeded')).toEqual({ words: 'Succeeded', tone: 'ok' });
    expect(stateOf('timed_out').words).toBe('Timed out');
    expect(stateOf('interrupted').tone).toBe('warn');
  });

  it('formats durations', () => {
    expect(durationText(850)).toBe('850 ms');
    expect(durationText(12_400)).toBe('12.4 s');
    expect(durationText(185_000)).toBe('3 min 05 s');
    expect(durationText(null)).toBe('—');
  });

  it('estimates progress from earlier runs and never claims 100 % while running', () => {
    expect(progress(15_000, 30_000).percent).toBe(50);
    expect(progress(15_000, 30_000).words).toContain('about 15.0 s left');
    expect(progress(45_000, 30_000).percent).toBe(99);
    expect(progress(45_000, 30_000).words).toContain('longer than earlier runs');
    expect(progress(5_000, null).percent).toBeNull();
  });

  it('compares a finished run with the average', () => {
    const run = { duration_ms: 60_000 } as Run;
    expect(comparedToAverage(run, 30_000)).toBe('100 % slower than usual');
    expect(comparedToAverage(run, 60_000)).toBe('as usual');
    expect(comparedToAverage(run, null)).toBeNull();
  });
});

describe('trigger fields', () => {
  it('keeps arguments exactly, one per line, including empty ones', () => {
    expect(parseArgumentLines('-c\necho "a; b"\n\n--fast')).toEqual(['-c', 'echo "a; b"', '', '--fast']);
    expect(parseArgumentLines('')).toEqual([]);
  });

  it('reads NAME=value and header lines, naming a bad line', () => {
    expect(parsePairs('REGION=eu\n\nURL=http://x/?a=b', 'the variables')).toEqual([
      { name: 'REGION', value: 'eu' },
      { name: 'URL', value: 'http://x/?a=b' },
    ]);
    expect(() => parsePairs('REGION', 'the variables')).toThrow('Line 1 of the variables');
    expect(parseHeaders('Accept: application/json')).toEqual([{ name: 'Accept', value: 'application/json' }]);
    expect(() => parseHeaders('nocolon')).toThrow('Header line 1');
  });
});

describe('the log view', () => {
  it('holds the lines of one fetched range, with their streams', () => {
    const window = LogWindow.of({ first_seq: 3, count: 3, streams: 'goe', text: 'started deploy.sh\n\nwarning: slow' });
    expect(window.first).toBe(2);
    expect(window.line(2)).toEqual({ text: 'started deploy.sh', stream: 'golive' });
    expect(window.line(3)).toEqual({ text: '', stream: 'stdout' });
    expect(window.line(4)).toEqual({ text: 'warning: slow', stream: 'stderr' });
    expect(window.line(1)).toBeUndefined();
    expect(window.line(5)).toBeUndefined();
    expect(window.covers(2, 5)).toBe(true);
    expect(window.covers(1, 5)).toBe(false);
    expect(window.covers(3, 6)).toBe(false);
    expect(LogWindow.of({ first_seq: 1, count: 0, streams: '', text: '' }).lines).toEqual([]);
  });

  it('fetches a screen above and below what is shown, inside the log', () => {
    expect(around(0, 20, 1_000_000)).toEqual({ from: 0, count: 41 });
    expect(around(500, 20, 1_000_000)).toEqual({ from: 480, count: 61 });
    expect(around(999_980, 20, 1_000_000)).toEqual({ from: 999_960, count: 40 });
    expect(around(0, 20, 5)).toEqual({ from: 0, count: 5 });
    expect(around(0, 20, 0)).toEqual({ from: 0, count: 0 });
  });

  it('scrolls a million lines with its own thumb', () => {
    const scroll = { top: 0, rows: 20, total: 1_000_000 };
    expect(clampTop(-5, 20, 1_000_000)).toBe(0);
    expect(clampTop(2_000_000, 20, 1_000_000)).toBe(999_980);
    expect(clampTop(7, 20, 5)).toBe(0);
    // A tiny share of the log still gets a thumb one can grab.
    expect(thumb(scroll, 400)).toEqual({ offset: 0, size: 24 });
    expect(thumb({ ...scroll, top: 999_980 }, 400)).toEqual({ offset: 376, size: 24 });
    expect(thumb({ top: 0, rows: 20, total: 10 }, 400)).toEqual({ offset: 0, size: 400 });
    // Dragging the thumb to the middle shows the middle, and back again.
    const middle = topAtThumb(188, scroll, 400);
    expect(middle).toBe(499_990);
    expect(thumb({ ...scroll, top: middle }, 400).offset).toBeCloseTo(188, 5);
    expect(topAtThumb(1_000, scroll, 400)).toBe(999_980);
  });
});
