// Updates view helpers: a cadence and a send time in words.

/** e.g. "every 15 min", "every 4 h", "daily", "none". */
export function cadenceText(minutes: number | null): string {
  if (minutes === null) return 'none';
  if (minutes === 1440) return 'daily';
  if (minutes % 1440 === 0) return `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return `every ${minutes / 60} h`;
  return `every ${minutes} min`;
}

/** `at` (RFC 3339) as "Mon 7 Dec, 09:21" in `timeZone`. */
export function sentAt(at: string, timeZone: string): string {
  return new Date(at).toLocaleString('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}
