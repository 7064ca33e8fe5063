import type { FailureAction, ScanFailure } from '../batch/types';

/** The failed values of one model in one migration, by what was done about them. */
export interface ModelFailures {
  /** The migration whose scan met them. */
  readonly id: string;
  readonly model: string;
  readonly failed: number;
  readonly skipped: number;
  readonly defaulted: number;
  readonly stopped: number;
}

/** Every failed value of a run or rollback, counted per migration and model (in the order met). */
export interface FailureSummary {
  readonly action: 'run' | 'rollback';
  readonly dryRun: boolean;
  /** Failed values in all. */
  readonly failed: number;
  readonly models: ModelFailures[];
}

/** Counts failures as they come; constant size per model, whatever their number. */
export class FailureTally {
  private readonly byModel = new Map<string, { -readonly [K in keyof ModelFailures]: ModelFailures[K] }>();

  add(id: string, failure: Pick<ScanFailure, 'model' | 'action'>): void {
    const key = `${id}\0${failure.model}`;
    let entry = this.byModel.get(key);
    if (!entry) {
      entry = { id, model: failure.model, failed: 0, skipped: 0, defaulted: 0, stopped: 0 };
      this.byModel.set(key, entry);
    }
    entry.failed += 1;
    entry[failure.action satisfies FailureAction] += 1;
  }

  summary(action: FailureSummary['action'], dryRun: boolean): FailureSummary {
    const models = [...this.byModel.values()].map((m) => ({ ...m }));
    return { action, dryRun, failed: models.reduce((n, m) => n + m.failed, 0), models };
  }
}
