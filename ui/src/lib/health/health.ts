// Words, colours and numbers of the Health view, kept out of the components
// so they are tested on their own.
import type { Alert, EnvironmentView, MonitorState, MonitorView } from '../ipc';

export type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'info';

/** A monitor's settled state in words and colour. */
export function stateOf(state: MonitorState | null): { words: string; tone: Tone } {
  switch (state?.state) {
    case 'up':
      return { words: 'Up', tone: 'ok' };
    case 'degraded':
      return { words: 'Degraded', tone: 'warn' };
    case 'down':
      return { words: 'Down', tone: 'bad' };
    case 'credential_unavailable':
      return { words: 'Credential unavailable', tone: 'info' };
    case undefined:
      return { words: 'Not probed yet', tone: 'muted' };
    default:
      return { words: 'Checking…', tone: 'muted' };
  }
}

export function latencyText(ms: number | null | undefined): string {
  if (ms == null) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}

export function certText(days: number | null | undefined): string | null {
  if (days == null) return null;
  if (days < 0) return 'certificate expired';
  return `certificate ${days} day${days === 1 ? '' : 's'} left`;
}

export function certTone(days: number | null | undefined): Tone {
  if (days == null) return 'muted';
  if (days < 7) return 'bad';
  if (days < 30) return 'warn';
  return 'ok';
}

/** Counts for the dashboard tile and the view's header. */
export function tally(environments: EnvironmentView[], alerts: Alert[]) {
  const monitors: MonitorView[] = environments.flatMap((e) => e.monitors);
  const count = (state: string) => monitors.filter((m) => m.state?.state === state).length;
  const open = alerts.filter((a) => !a.resolved_at);
  return {
    monitors: monitors.length,
    up: count('up'),
    degraded: count('degraded'),
    down: count('down'),
    unavailable: count('credential_unavailable'),
    openAlerts: open.length,
    critical: open.filter((a) => a.severity === 'critical' && !a.acknowledged_at).length,
  };
}

/** "3 min ago" for a Unix-ms time, against `now`. */
export function ago(ms: number | null | undefined, now: number): string {
  if (ms == null) return 'never';
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

/** Conditions as typed in a textarea, one per line. */
export function conditionLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** Headers as typed, "Name: value" per line; the error names the bad line. */
export function headerLines(text: string): { headers: [string, string][]; error: string | null } {
  const headers: [string, string][] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { headers, error: `Header line ${index + 1} is not "Name: value".` };
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { headers, error: null };
}
