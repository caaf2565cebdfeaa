import { describe, expect, it } from 'vitest';
import { cadenceText, sentAt } from './updates';

describe('updates', () => {
  it('says a cadence in words', () => {
    expect(cadenceText(null)).toBe('none');
    expect(cadenceText(15)).toBe('every 15 min');
    expect(cadenceText(240)).toBe('every 4 h');
    expect(cadenceText(1440)).toBe('daily');
    expect(cadenceText(2880)).toBe('every 2 days');
  });

  it('shows a send time in the launch zone', () => {
    expect(sentAt('2026-12-07T08:21:00.000Z', 'Europe/Berlin')).toBe('Mon 7 Dec, 09:21');
  });
});
