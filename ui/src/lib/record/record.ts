// The Record view's words: where an event's subject lives in the app, and a
// one-line reading of an event's details.
import type { View } from '../app.svelte';
import type { Event } from '../ipc';

/** Where a subject opens: a view, and for items, incidents and runs which one. */
export type Place = { view: View; item?: string; incident?: string; run?: string };

const VIEWS: Record<string, View> = {
  item: 'readiness',
  section: 'readiness',
  phase: 'readiness',
  section_done: 'readiness',
  signoff: 'decision',
  decision: 'decision',
  incident: 'incidents',
  run: 'deploy',
  trigger: 'deploy',
  alert: 'health',
  monitor: 'health',
  environment: 'health',
  maintenance: 'health',
  credential: 'health',
  kpi: 'health',
  training: 'training',
  update: 'updates',
  'update-channel': 'updates',
  risk: 'risks',
  feedback: 'feedback',
  contact: 'people',
  escalation: 'people',
  launch: 'dashboard',
};

/** The subject's kind and id: `item:PRE-07` → ["item", "PRE-07"]. */
export function splitSubject(subject: string): [string, string] {
  const at = subject.indexOf(':');
  return at < 0 ? [subject, ''] : [subject.slice(0, at), subject.slice(at + 1)];
}

export function placeOf(subject: string): Place | null {
  const [kind, id] = splitSubject(subject);
  const view = VIEWS[kind];
  if (!view) return null;
  if (kind === 'item') return { view, item: id };
  if (kind === 'incident') return { view, incident: id };
  if (kind === 'run') return { view, run: id };
  return { view };
}

/** The kind of change an action belongs to: `item.tick` → `item`. */
export function kindOf(action: string): string {
  const dot = action.indexOf('.');
  return dot < 0 ? action : action.slice(0, dot);
}

const NAMED = ['title', 'name', 'key', 'label'];
const SAID = ['note', 'reason', 'comment', 'text', 'resolution', 'summary'];

/** Long enough to read, short enough for one cell: keys and hashes are cut. */
const LONGEST = 48;

function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (!trimmed) return null;
    return trimmed.length > LONGEST && !trimmed.includes(' ') ? `${trimmed.slice(0, 16)}…` : trimmed;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** A one-line reading of the details: what it is about and what was said. */
export function summary(event: Event): string {
  let details: unknown;
  try {
    details = JSON.parse(event.details);
  } catch {
    return event.details;
  }
  if (!details || typeof details !== 'object' || Array.isArray(details)) return text(details) ?? '';
  const fields = details as Record<string, unknown>;
  const parts: string[] = [];
  const name = NAMED.map((k) => text(fields[k])).find((v) => v);
  if (name) parts.push(name);
  for (const key of ['status', 'verdict', 'state', 'severity', 'level']) {
    const value = text(fields[key]);
    if (value) parts.push(`${key} ${value}`);
  }
  const said = SAID.map((k) => text(fields[k])).find((v) => v);
  if (said) parts.push(`“${said}”`);
  if (parts.length > 0) return parts.join(' · ');
  const flat = Object.entries(fields)
    .map(([k, v]) => [k, text(v)] as const)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}: ${v}`);
  return flat.slice(0, 4).join(' · ');
}

/** The start of a local calendar day as an instant, for the date filters. */
export function dayStart(date: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const local = new Date(`${date}T00:00:00`);
  return Number.isNaN(local.getTime()) ? null : local.toISOString();
}

/** The start of the day after, so "until" includes the whole day. */
export function dayEnd(date: string): string | null {
  const start = dayStart(date);
  if (!start) return null;
  const next = new Date(start);
  next.setDate(next.getDate() + 1);
  return next.toISOString();
}
