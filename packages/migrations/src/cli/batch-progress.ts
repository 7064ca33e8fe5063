import { Presets, SingleBar } from 'cli-progress';
import type { BatchProgress } from '../batch/types';

/** What {@link showBatchProgress} needs of a migrator (data, or `migrate-all`'s). */
export interface BatchProgressSource {
  on(event: 'progress', listener: (progress: BatchProgress) => void): unknown;
  on(event: 'migrated' | 'reverted', listener: () => void): unknown;
}

/** Seconds between plain progress lines when the output is not a terminal. */
const LINE_INTERVAL_MS = 2_000;

/**
 * Shows the progress of batched scans (`ctx.scanTransform`, the datetime migration): a
 * progress bar on a terminal, plain lines otherwise (every 2 s, or every batch with
 * `--verbose`), so CI logs stay readable. Returns a function that stops the bar.
 */
export function showBatchProgress(
  migrator: BatchProgressSource,
  options: { verbose?: boolean; stream?: NodeJS.WriteStream } = {},
): () => void {
  const stream = options.stream ?? process.stdout;
  let bar: SingleBar | undefined;
  let barName: string | undefined;
  let lastLine = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
    barName = undefined;
  };
  migrator.on('progress', (progress) => {
    if (stream.isTTY) {
      if (barName !== progress.name) {
        stop();
        bar = new SingleBar(
          {
            stream,
            format: `  ${shortName(progress.name)} |{bar}| {percentage}% | {keys} keys, {converted} converted, {failed} failed | {rate} keys/s | {timeLeft} left`,
            hideCursor: true,
            clearOnComplete: false,
          },
          Presets.shades_classic,
        );
        bar.start(100, 0, payload(progress));
        barName = progress.name;
      }
      bar!.update(Math.round(progress.fraction * 100), payload(progress));
      // The scan is complete: draw the bar a last time before the migration prints its summary.
      if (progress.fraction >= 1) stop();
      return;
    }
    const now = Date.now();
    if (options.verbose || now - lastLine >= LINE_INTERVAL_MS) {
      lastLine = now;
      stream.write(`${formatProgressLine(progress)}\n`);
    }
  });
  migrator.on('migrated', stop);
  migrator.on('reverted', stop);
  return stop;
}

/** One plain progress line, with the measured rate and the time left at that rate. */
export function formatProgressLine(p: BatchProgress): string {
  const c = p.counters;
  return (
    `  ${shortName(p.name)}: ~${Math.round(p.fraction * 100)}% scanned, ${c.keys} keys, ${c.converted} converted, ` +
    `${c.failed} failed, ${Math.round(p.keysPerSecond)} keys/s, ${formatEta(p.etaMs)} left`
  );
}

/** Time left as people read it: `~45s`, `~3m 05s`, `~1h 02m`; `?` before there is a rate to go by. */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `~${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `~${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `~${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The bar's fields (cli-progress keeps `{eta}` for its own estimate, from its own updates). */
function payload(p: BatchProgress) {
  return { keys: p.counters.keys, converted: p.counters.converted, failed: p.counters.failed, rate: Math.round(p.keysPerSecond), timeLeft: formatEta(p.etaMs) };
}

/** `001_datetime_fields_to_timestamps:up:Person` → `up:Person`; other names as they are. */
function shortName(name: string): string {
  const parts = name.split(':');
  return parts.length >= 3 ? parts.slice(1).join(':') : name;
}
