import { describe, expect, it } from 'vitest';
import { share } from './share';

describe('share', () => {
  it('keeps unchanged parts and replaces what changed, up to the root', () => {
    const previous = { phases: [{ key: 'pre', items: [{ key: 'A', status: 'open' }, { key: 'B', status: 'open' }] }], total: 2 };
    const next = JSON.parse(JSON.stringify(previous));
    next.phases[0].items[1].status = 'done';
    const merged = share(previous, next);
    expect(merged).toEqual(next);
    expect(merged).not.toBe(previous);
    expect(merged.phases[0].items[0]).toBe(previous.phases[0].items[0]);
    expect(merged.phases[0].items[1]).not.toBe(previous.phases[0].items[1]);
    expect(merged.phases[0].items[1].status).toBe('done');
  });

  it('returns the previous value when nothing changed', () => {
    const previous = { a: [1, 2, { b: null }], c: 'x' };
    expect(share(previous, JSON.parse(JSON.stringify(previous)))).toBe(previous);
  });

  it('notices removed keys, shorter arrays and type changes', () => {
    expect(share({ a: 1, b: 2 }, { a: 1 })).toEqual({ a: 1 });
    expect(share([1, 2, 3], [1, 2])).toEqual([1, 2]);
    expect(share({ a: [1] }, { a: null })).toEqual({ a: null });
    expect(share(null, { a: 1 })).toEqual({ a: 1 });
  });
});
