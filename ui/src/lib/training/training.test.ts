import { describe, expect, it } from 'vitest';
import type { TrainingSession } from '../ipc';
import { monthGrid, shiftMonth, wallClock } from './training';

function session(key: string, starts_at: string): TrainingSession {
  return {
    id: key,
    number: 1,
    key,
    uid: `${key}@golive`,
    title: key,
    audience: 'end_users',
    starts_at,
    ends_at: starts_at,
    time_zone: 'UTC',
    local_start: '',
    local_end: '',
    place: '',
    trainer_id: null,
    trainer: null,
    materials: [],
    sequence: 0,
    attendees: [],
  };
}

describe('training calendar', () => {
  it('reads an instant as the wall clock of a zone', () => {
    expect(wallClock('2026-12-03T23:30:00.000Z', 'Europe/Berlin')).toEqual({ date: '2026-12-04', time: '00:30' });
    expect(wallClock('2026-12-03T23:30:00.000Z', 'America/New_York')).toEqual({ date: '2026-12-03', time: '18:30' });
  });

  it('lays out a month Monday first with sessions on their local day', () => {
    const weeks = monthGrid(
      '2026-12',
      [session('TRN-2', '2026-12-03T23:30:00.000Z'), session('TRN-1', '2026-12-03T08:00:00.000Z')],
      'Europe/Berlin',
    );
    // 1 December 2026 is a Tuesday: the grid starts on Monday 30 November.
    expect(weeks[0][0]).toMatchObject({ date: '2026-11-30', inMonth: false });
    expect(weeks[0][1]).toMatchObject({ date: '2026-12-01', day: 1, inMonth: true });
    const third = weeks[0].find((d) => d.date === '2026-12-03');
    const fourth = weeks[0].find((d) => d.date === '2026-12-04');
    expect(third?.sessions.map((s) => [s.session.key, s.time])).toEqual([['TRN-1', '09:00']]);
    expect(fourth?.sessions.map((s) => [s.session.key, s.time])).toEqual([['TRN-2', '00:30']]);
    expect(weeks.length).toBe(5);
    expect(weeks.at(-1)?.at(-1)?.date).toBe('2027-01-03');
  });

  it('moves across years', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
  });
});
