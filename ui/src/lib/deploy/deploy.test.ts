import { describe, expect, it } from 'vitest';
import {
  LogModel,
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

describe('the log model', () => {
  it('keeps each line once, in order, and searches without case', () => {
    const log = new LogModel();
    log.append({ first_seq: 1, count: 2, streams: 'go', text: 'started deploy.sh\nStep 1' });
    log.append({ first_seq: 2, count: 3, streams: 'oeo', text: 'Step 1\nwarning: step 2 slow\n' });
    expect(log.length).toBe(4);
    expect(log.nextSeq).toBe(5);
    expect([0, 1, 2, 3].map((i) => log.text(i))).toEqual(['started deploy.sh', 'Step 1', 'warning: step 2 slow', '']);
    expect(log.stream(2)).toBe('stderr');
    expect(log.search('STEP')).toEqual([1, 2]);
    expect(log.all()).toBe('[golive] started deploy.sh\nStep 1\n[stderr] warning: step 2 slow\n');
  });

  it('finds a line in any of many batches', () => {
    const log = new LogModel();
    for (let b = 0; b < 50; b++) {
      const lines = Array.from({ length: 100 }, (_, i) => `line ${b * 100 + i + 1}`);
      log.append({ first_seq: b * 100 + 1, count: 100, streams: 'o'.repeat(100), text: lines.join('\n') });
    }
    expect(log.length).toBe(5000);
    expect(log.text(4321)).toBe('line 4322');
    expect(log.search('line 4999')).toEqual([4998]);
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
