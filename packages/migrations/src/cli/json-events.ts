import type { BatchProgress } from '../batch/types';
import { redactSecrets } from '../redact';

/** At most one `progress` event per scan this often (the last batch of a scan is always written). */
const PROGRESS_INTERVAL_MS = 1_000;

/**
 * `--json`: one JSON object per line on stdout, `{"type": <event>, "time": <ISO>, ...fields}`, the
 * fields being those of the migrator's event of that name (docs/cli.md lists them). Every line
 * is scrubbed of the run's Redis credentials.
 */
export class JsonEvents {
  private readonly lastProgress = new Map<string, number>();

  constructor(private readonly redisUrls: readonly (string | undefined)[]) {}

  write(type: string, fields: object): void {
    const line = JSON.stringify({ type, time: new Date().toISOString(), ...fields });
    process.stdout.write(`${redactSecrets(line, [...this.redisUrls, process.env.REDIS_OM_URL])}\n`);
  }

  /** A `progress` event, unless one of the same scan went out less than a second ago. */
  progress(progress: BatchProgress & { id: string }): void {
    const now = Date.now();
    const last = this.lastProgress.get(progress.name);
    if (progress.fraction < 1 && last !== undefined && now - last < PROGRESS_INTERVAL_MS) return;
    this.lastProgress.set(progress.name, now);
    this.write('progress', progress);
  }
}
