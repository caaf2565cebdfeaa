// Checks Day 0 as typed into WhenFields.

/** Why the date and time cannot be used, or null when they can. */
export function invalidWhen(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date.trim())) return 'Write the Day 0 date as YYYY-MM-DD, e.g. 2026-12-07.';
  if (!/^\d{2}:\d{2}$/.test(time.trim())) return 'Write the go-live time as HH:MM (24-hour), e.g. 09:00.';
  return null;
}
