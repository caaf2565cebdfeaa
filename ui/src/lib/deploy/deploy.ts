// Words, colours and numbers of the Deploy view, and the log model behind
// the live log, kept out of the components so they are tested on their own.
import type { CommandSpec, Run, RunState, Trigger, TriggerInput, TriggerSpec, WebhookSpec } from '../ipc';
import type { Tone } from '../health/health';

export function stateOf(state: RunState): { words: string; tone: Tone } {
  switch (state) {
    case 'running':
      return { words: 'Running', tone: 'info' };
    case 'succeeded':
      return { words: 'Succeeded', tone: 'ok' };
    case 'failed':
      return { words: 'Failed', tone: 'bad' };
    case 'cancelled':
      return { words: 'Cancelled', tone: 'warn' };
    case 'timed_out':
      return { words: 'Timed out', tone: 'bad' };
    case 'interrupted':
      return { words: 'Interrupted', tone: 'warn' };
  }
}

export function actionWords(action: Trigger['action']): string {
  return action === 'deploy' ? 'Deploy' : action === 'rollback' ? 'Rollback' : 'Validation';
}

/** "850 ms", "12.4 s", "3 min 05 s". */
export function durationText(ms: number | null | undefined): string {
  if (ms == null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** A running run's progress against the average of earlier runs: a
 * percentage capped at 99 until it ends, and words for the estimate. */
export function progress(
  elapsedMs: number,
  averageMs: number | null,
): { percent: number | null; words: string } {
  if (averageMs == null || averageMs <= 0) {
    return { percent: null, words: `${durationText(elapsedMs)} so far; no earlier run to compare with` };
  }
  const percent = Math.min(99, Math.floor((elapsedMs / averageMs) * 100));
  const left = averageMs - elapsedMs;
  const words =
    left > 0
      ? `${durationText(elapsedMs)} of about ${durationText(averageMs)} (earlier runs); about ${durationText(left)} left`
      : `${durationText(elapsedMs)}: longer than earlier runs (about ${durationText(averageMs)})`;
  return { percent, words };
}

/** Its duration against the average of the trigger's earlier runs. */
export function comparedToAverage(run: Run, averageMs: number | null): string | null {
  if (run.duration_ms == null || averageMs == null || averageMs <= 0) return null;
  const ratio = run.duration_ms / averageMs;
  if (ratio > 1.25) return `${Math.round((ratio - 1) * 100)} % slower than usual`;
  if (ratio < 0.8) return `${Math.round((1 - ratio) * 100)} % faster than usual`;
  return 'as usual';
}

/** The program and its arguments one per line, as the trigger dialog edits them. */
export function argumentLines(args: string[]): string {
  return args.join('\n');
}

export function parseArgumentLines(text: string): string[] {
  if (text === '') return [];
  return text.split('\n');
}

/** "NAME=value" lines into pairs; the error names the line. */
export function parsePairs(text: string, what: string): { name: string; value: string }[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), index }))
    .filter(({ line }) => line !== '')
    .map(({ line, index }) => {
      const at = line.indexOf('=');
      if (at <= 0) throw new Error(`Line ${index + 1} of ${what} is not NAME=value: ${line}`);
      return { name: line.slice(0, at).trim(), value: line.slice(at + 1) };
    });
}

/** "Name: value" header lines into pairs. */
export function parseHeaders(text: string): { name: string; value: string }[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), index }))
    .filter(({ line }) => line !== '')
    .map(({ line, index }) => {
      const at = line.indexOf(':');
      if (at <= 0) throw new Error(`Header line ${index + 1} is not "Name: value": ${line}`);
      return { name: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
    });
}

export function emptyCommand(): CommandSpec {
  return { program: '', args: [], cwd: null, env: [], secret_env: [] };
}

export function emptyWebhook(): WebhookSpec {
  return { method: 'POST', url: '', headers: [], body: null, credential: null, poll: null };
}

export function blankTrigger(environment: string): TriggerInput {
  return {
    environment,
    name: '',
    action: 'deploy',
    spec: { kind: 'command', ...emptyCommand() } as TriggerSpec,
    timeout_s: null,
    auto_rollback: false,
  };
}

// The live log keeps only the lines around what is on screen: the rest stay
// in the store, fetched by range as the reader scrolls (searched, copied and
// downloaded there too), so a million-line run costs the webview forty lines.
export type LineStream = 'golive' | 'stdout' | 'stderr';

export interface Batch {
  first_seq: number;
  count: number;
  streams: string;
  text: string;
}

export interface LogLine {
  text: string;
  stream: LineStream;
}

/** Consecutive lines of a log from line index `first` (sequence `first + 1`). */
export class LogWindow {
  constructor(
    readonly first = 0,
    readonly lines: LogLine[] = [],
  ) {}

  static of(batch: Batch): LogWindow {
    const texts = batch.count === 0 ? [] : batch.text.split('\n');
    const lines = texts.map((text, i) => ({ text, stream: streamOf(batch.streams[i]) }));
    return new LogWindow(batch.first_seq - 1, lines);
  }

  /** Line `index`, if this window holds it. */
  line(index: number): LogLine | undefined {
    return this.lines[index - this.first];
  }

  /** Whether it holds lines `from` up to (not including) `to`. */
  covers(from: number, to: number): boolean {
    return from >= this.first && to <= this.first + this.lines.length;
  }
}

function streamOf(code: string | undefined): LineStream {
  return code === 'e' ? 'stderr' : code === 'g' ? 'golive' : 'stdout';
}

/**
 * The lines to fetch for a view showing `rows` lines from `top` of `total`:
 * a screen above and below as well, so small scrolls need no fetch.
 */
export function around(top: number, rows: number, total: number): { from: number; count: number } {
  const from = Math.max(0, top - rows);
  const to = Math.min(total, top + 2 * rows + 1);
  return { from, count: Math.max(0, to - from) };
}

/**
 * The log's own vertical scrolling. A native scroll area a million rows
 * tall makes the webview repaint huge layers on every new batch; instead
 * the view shows `rows` lines from `top` and draws its own scrollbar.
 */
export interface LogScroll {
  /** Index of the first line shown. */
  top: number;
  /** Lines that fit in the view. */
  rows: number;
  total: number;
}

/** The highest `top` there is: the last lines filling the view. */
export function lastTop(rows: number, total: number): number {
  return Math.max(0, total - rows);
}

/** `top` kept inside the log. */
export function clampTop(top: number, rows: number, total: number): number {
  return Math.min(Math.max(0, Math.round(top)), lastTop(rows, total));
}

/** The scrollbar's thumb in a track `track` pixels tall (at least `min` tall). */
export function thumb(scroll: LogScroll, track: number, min = 24): { offset: number; size: number } {
  const { top, rows, total } = scroll;
  if (total <= rows || track <= 0) return { offset: 0, size: track };
  const size = Math.min(track, Math.max(min, (rows / total) * track));
  const offset = (top / lastTop(rows, total)) * (track - size);
  return { offset, size };
}

/** The `top` a thumb moved to `offset` stands for. */
export function topAtThumb(offset: number, scroll: LogScroll, track: number, min = 24): number {
  const { size } = thumb(scroll, track, min);
  const room = track - size;
  if (room <= 0) return 0;
  return clampTop((offset / room) * lastTop(scroll.rows, scroll.total), scroll.rows, scroll.total);
}
