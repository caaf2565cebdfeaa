// Structural sharing: a reloaded value keeps the objects of the previous one
// wherever nothing changed, so a reload after a tick re-renders the rows that
// changed, not all 1,000 of them.

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `next`, reusing every part of `previous` that is deeply equal to it. */
export function share<T>(previous: unknown, next: T): T {
  if (previous === next) return next;
  if (Array.isArray(previous) && Array.isArray(next)) {
    const merged = next.map((value, i) => share(previous[i], value));
    const same = merged.length === previous.length && merged.every((value, i) => value === previous[i]);
    return (same ? previous : merged) as T;
  }
  if (isPlain(previous) && isPlain(next)) {
    const merged: Plain = {};
    let same = Object.keys(previous).length === Object.keys(next).length;
    for (const key of Object.keys(next)) {
      merged[key] = share(previous[key], next[key]);
      if (merged[key] !== previous[key]) same = false;
    }
    return (same ? previous : merged) as T;
  }
  return next;
}
