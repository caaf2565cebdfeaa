// Feedback view helpers: kinds and statuses in words, and the filters.
import type { Feedback, FeedbackKind, FeedbackStatus } from '../ipc';

export const KINDS: { key: FeedbackKind; label: string }[] = [
  { key: 'bug', label: 'Bug report' },
  { key: 'feature', label: 'Feature request' },
  { key: 'question', label: 'Question' },
  { key: 'praise', label: 'Praise' },
];

export const STATUSES: { key: FeedbackStatus; label: string }[] = [
  { key: 'new', label: 'New' },
  { key: 'in_progress', label: 'In progress' },
  { key: 'resolved', label: 'Resolved' },
  { key: 'wont_fix', label: "Won't fix" },
];

export type FeedbackFilter = 'open' | 'all' | FeedbackKind;

export const isClosed = (status: FeedbackStatus) => status === 'resolved' || status === 'wont_fix';

export function filterFeedback(entries: Feedback[], filter: FeedbackFilter): Feedback[] {
  if (filter === 'all') return entries;
  if (filter === 'open') return entries.filter((e) => !isClosed(e.status));
  return entries.filter((e) => e.kind === filter);
}

/** e.g. "45 min", "6.5 h", "2.1 d". */
export function duration(hours: number | null): string {
  if (hours === null) return '—';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}
