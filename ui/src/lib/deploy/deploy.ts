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

// The live log: every line of a run, kept as the batches it arrived in (one
// string per batch and the offsets of its lines), so a million lines cost a
// few hundred strings and a few megabytes of offsets, not a million objects.
export type LineStream = 'golive' | 'stdout' | 'stderr';

interface Chunk {
  /** Index of its first line in the log. */
  first: number;
  text: string;
  /** Where each line starts in `text`, plus one past the end. */
  starts: Uint32Array;
  streams: string;
}

export interface Batch {
  first_seq: number;
  count: number;
  streams: string;
  text: string;
}

export class LogModel {
  private chunks: Chunk[] = [];
  length = 0;
  /** The next sequence number expected from the store. */
  nextSeq = 0;

  append(batch: Batch): void {
    if (batch.count === 0) return;
    // A batch may overlap lines already seen (a re-follow): keep each once.
    let skip = Math.max(0, this.nextSeq - batch.first_seq);
    if (this.length === 0 && this.nextSeq === 0) skip = 0;
    if (skip >= batch.count) return;
    const starts = new Uint32Array(batch.count + 1);
    let at = 0;
    for (let i = 0; i < batch.count; i++) {
      starts[i] = at;
      const end = batch.text.indexOf('\n', at);
      at = end === -1 ? batch.text.length + 1 : end + 1;
    }
    starts[batch.count] = batch.text.length + 1;
    const chunk: Chunk = { first: this.length - skip, text: batch.text, starts, streams: batch.streams };
    if (skip > 0) {
      // Keep the new part only.
      const from = starts[skip];
      chunk.text = batch.text.slice(from);
      chunk.starts = starts.slice(skip).map((s) => s - from);
      chunk.streams = batch.streams.slice(skip);
      chunk.first = this.length;
    }
    this.chunks.push(chunk);
    this.length += batch.count - skip;
    this.nextSeq = batch.first_seq + batch.count;
  }

  private chunkOf(index: number): Chunk {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid].first <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.chunks[lo];
  }

  text(index: number): string {
    const chunk = this.chunkOf(index);
    const i = index - chunk.first;
    return chunk.text.slice(chunk.starts[i], chunk.starts[i + 1] - 1);
  }

  stream(index: number): LineStream {
    const chunk = this.chunkOf(index);
    const code = chunk.streams[index - chunk.first];
    return code === 'e' ? 'stderr' : code === 'g' ? 'golive' : 'stdout';
  }

  /** Indexes of the lines containing `needle`, ignoring case. */
  search(needle: string): number[] {
    const wanted = needle.toLowerCase();
    if (wanted === '') return [];
    const hits: number[] = [];
    for (const chunk of this.chunks) {
      const text = chunk.text.toLowerCase();
      let from = 0;
      let line = 0;
      for (;;) {
        const at = text.indexOf(wanted, from);
        if (at === -1) break;
        while (chunk.starts[line + 1] <= at) line++;
        hits.push(chunk.first + line);
        // One hit per line: go on after it.
        from = chunk.starts[line + 1];
        if (from >= text.length) break;
      }
    }
    return hits;
  }

  /** The whole log as text, as the downloaded file has it. */
  all(): string {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) {
      const stream = this.stream(i);
      const text = this.text(i);
      out.push(stream === 'stderr' ? `[stderr] ${text}` : stream === 'golive' ? `[golive] ${text}` : text);
    }
    return out.join('\n');
  }
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
