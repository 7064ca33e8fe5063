import { z } from 'zod';
import { ConfigError } from '../errors';
import { FAILURE_MODES, type ScanTransformSpec } from './types';

const specSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty'),
  match: z.string().min(1, 'must not be empty'),
  type: z.enum(['hash', 'json']),
  batchSize: z.number().int().min(1).max(100_000).optional(),
  failureMode: z.enum(FAILURE_MODES as [string, ...string[]]).optional(),
  maxErrors: z.number().int().min(0).optional(),
});

/** Refuses a bad scan spec with a {@link ConfigError} naming every problem, before Redis is touched. */
export function validateSpec(spec: ScanTransformSpec): void {
  const parsed = specSchema.safeParse(spec);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
  const fields = spec.type === 'hash' ? spec.fields : spec.paths;
  if (!Array.isArray(fields) || fields.length === 0) problems.push(`${spec.type === 'hash' ? 'fields' : 'paths'} must list at least one`);
  if (spec.type === 'json' && Array.isArray(fields) && fields.some((p) => !p.startsWith('$'))) {
    problems.push('paths must be JSONPaths starting with $');
  }
  if (spec.relocate !== undefined) {
    if (!Array.isArray(fields) || fields.length !== 1) problems.push(`relocate needs exactly one ${spec.type === 'hash' ? 'field' : 'path'}`);
    if (typeof spec.relocate.to !== 'string' || spec.relocate.to === '' || (spec.type === 'json' && !spec.relocate.to.startsWith('$'))) {
      problems.push(`relocate.to must be a ${spec.type === 'hash' ? 'field name' : 'JSONPath starting with $'}`);
    }
    if (spec.relocate.mode !== 'copy' && spec.relocate.mode !== 'move') problems.push('relocate.mode must be copy or move');
  }
  if (typeof spec.transform !== 'function') problems.push('transform must be a function');
  if (spec.failureMode === 'default' && spec.defaultValue === undefined) problems.push('failure mode default needs a defaultValue');
  if (problems.length > 0) {
    throw new ConfigError(`Invalid scan ${JSON.stringify(spec.name)}: ${problems.join('; ')}.`);
  }
}
