import { describe, expect, it } from 'vitest';
import type { Feedback } from '../ipc';
import { duration, filterFeedback } from './feedback';

function entry(key: string, kind: Feedback['kind'], status: Feedback['status']): Feedback {
  return {
    id: key,
    number: 1,
    key,
    kind,
    title: key,
    detail: '',
    source: '',
    reporter: '',
    tier: null,
    owner_id: null,
    owner: null,
    status,
    reported_at: '2026-12-08T09:00:00.000Z',
    resolved_at: null,
    resolution_hours: null,
    resolution: '',
    external_id: null,
  };
}

describe('feedback', () => {
  const all = [entry('FB-1', 'bug', 'new'), entry('FB-2', 'bug', 'resolved'), entry('FB-3', 'praise', 'wont_fix'), entry('FB-4', 'question', 'in_progress')];

  it('filters open entries and kinds', () => {
    expect(filterFeedback(all, 'open').map((e) => e.key)).toEqual(['FB-1', 'FB-4']);
    expect(filterFeedback(all, 'bug').map((e) => e.key)).toEqual(['FB-1', 'FB-2']);
    expect(filterFeedback(all, 'all')).toHaveLength(4);
  });

  it('says a resolution time in words', () => {
    expect([null, 0.5, 6.25, 60].map(duration)).toEqual(['—', '30 min', '6.3 h', '2.5 d']);
  });
});
