import { OmError } from '../errors';
import type { FailureRecord } from './types';

/** A scan stopped on purpose: failure mode `fail`, or more failures than `--max-errors`. */
export class BatchStoppedError extends OmError {
  constructor(
    readonly scan: string,
    readonly failure: FailureRecord,
    readonly why: 'fail' | 'max-errors',
    maxErrors?: number,
  ) {
    super(
      why === 'fail'
        ? `${scan}: cannot convert ${failure.key} field ${failure.field} = ${JSON.stringify(failure.value)}: ${failure.reason}. Stopped (failure mode fail).`
        : `${scan}: more than ${maxErrors} failures (max errors); the last: ${failure.key} field ${failure.field} = ${JSON.stringify(failure.value)}: ${failure.reason}.`,
      {
        hint:
          'Nothing of the failing batch was written; the checkpoint stays at the batch before it. Fix the values, or rerun with ' +
          '--failure-mode log_and_skip (leave them) or --failure-mode default (replace them)' +
          (why === 'max-errors' ? ', or raise --max-errors.' : '.'),
      },
    );
  }
}
