// Formatting shared by the views. Times are shown in the launch's time zone.

export function dayLabel(day: number): string {
  if (day === 0) return 'Day 0';
  return day > 0 ? `Day +${day}` : `Day ${day}`;
}

export function dayRange(first: number, last: number): string {
  return first === last ? dayLabel(first) : `${dayLabel(first)} … ${dayLabel(last)}`;
}

/** "4d 19h 05m" until go-live, or null once it has passed. */
export function countdown(goLiveAt: string, nowMs: number): string | null {
  const seconds = Math.floor((Date.parse(goLiveAt) - nowMs) / 1000);
  if (seconds <= 0) return null;
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const mm = String(minutes).padStart(2, '0');
  return days > 0 ? `${days}d ${hours}h ${mm}m` : `${hours}h ${mm}m`;
}

// Building an Intl formatter costs far more than using one: one per zone.
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** A stored UTC timestamp as "Dec 2, 10:00" in `timeZone`. */
export function localTime(stored: string, timeZone: string): string {
  const date = new Date(stored);
  if (Number.isNaN(date.getTime())) return stored;
  try {
    let format = timeFormats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      });
      timeFormats.set(timeZone, format);
    }
    return format.format(date);
  } catch {
    return stored;
  }
}

/** "Mon 7 Dec 2026, 09:00" from the launch's civil go-live time. */
export function goLiveLabel(local: string): string {
  const [date, time] = local.split('T');
  const parsed = new Date(`${date}T00:00:00Z`);
  if (!date || Number.isNaN(parsed.getTime())) return local;
  const day = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(parsed);
  return `${day}, ${(time ?? '').slice(0, 5)}`;
}

const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "Dec 2" for a YYYY-MM-DD date. */
export function shortDate(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return dayMonth.format(parsed);
}

const machineTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** A stored UTC timestamp as "2 Dec 2026, 10:00:05" in this computer's time
 * zone (for things of the store, such as backups, not of one launch). */
export function machineDateTime(stored: string): string {
  const date = new Date(stored);
  return Number.isNaN(date.getTime()) ? stored : machineTime.format(date);
}
