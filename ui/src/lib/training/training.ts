// Training view helpers: audiences, the wall-clock day of a session in the
// launch's time zone, and the month grid of the calendar.
import type { Audience, TrainingSession } from '../ipc';

export const AUDIENCES: { key: Audience; label: string }[] = [
  { key: 'administrators', label: 'Administrators' },
  { key: 'end_users', label: 'End users' },
  { key: 'support_team', label: 'Support team' },
];

export const audienceLabel = (key: Audience) => AUDIENCES.find((a) => a.key === key)?.label ?? key;

/** `at` (RFC 3339) as `YYYY-MM-DD` and `HH:MM` in `timeZone`. */
export function wallClock(at: string, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

export interface CalendarDay {
  /** `YYYY-MM-DD`. */
  date: string;
  day: number;
  inMonth: boolean;
  sessions: { session: TrainingSession; time: string }[];
}

/** The weeks (Monday first) of `month` (`YYYY-MM`), each day with the sessions
 * starting on it in `timeZone`, earliest first. */
export function monthGrid(month: string, sessions: TrainingSession[], timeZone: string): CalendarDay[][] {
  const [year, m] = month.split('-').map(Number);
  const first = new Date(Date.UTC(year, m - 1, 1));
  const offset = (first.getUTCDay() + 6) % 7;
  const start = new Date(Date.UTC(year, m - 1, 1 - offset));
  const placed = sessions
    .map((session) => ({ session, ...wallClock(session.starts_at, timeZone) }))
    .sort((a, b) => a.session.starts_at.localeCompare(b.session.starts_at));
  const weeks: CalendarDay[][] = [];
  for (let w = 0; w < 6; w++) {
    const week: CalendarDay[] = [];
    for (let d = 0; d < 7; d++) {
      const day = new Date(start.getTime() + (w * 7 + d) * 86_400_000);
      const date = day.toISOString().slice(0, 10);
      week.push({
        date,
        day: day.getUTCDate(),
        inMonth: day.getUTCMonth() === m - 1,
        sessions: placed.filter((p) => p.date === date).map((p) => ({ session: p.session, time: p.time })),
      });
    }
    // A sixth week entirely in the next month is left out.
    if (w > 3 && !week.some((d) => d.inMonth)) break;
    weeks.push(week);
  }
  return weeks;
}

/** `YYYY-MM` moved by `delta` months. */
export function shiftMonth(month: string, delta: number): string {
  const [year, m] = month.split('-').map(Number);
  const moved = new Date(Date.UTC(year, m - 1 + delta, 1));
  return moved.toISOString().slice(0, 7);
}

export function monthTitle(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return new Date(Date.UTC(year, m - 1, 1)).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}
