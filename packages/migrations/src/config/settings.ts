import { z } from 'zod';
import { ConfigError } from '../errors';
import {
  DEFAULT_KEY_PREFIX,
  DEFAULT_LOCK_LEASE_MS,
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_REDIS_URL,
} from './defaults';

const settingsSchema = z.object({
  migrationsDir: z.string().min(1, 'must not be empty'),
  module: z.string().min(1, 'must not be empty').optional(),
  redisUrl: z
    .string()
    .refine((url) => /^rediss?:\/\//.test(url), 'must start with redis:// or rediss://'),
  keyPrefix: z.string().min(1, 'must not be empty'),
  lockTimeoutMs: z.number().int().nonnegative(),
  lockLeaseMs: z.number().int().min(1_000, 'must be at least 1000 ms'),
  cwd: z.string(),
});

/** Settings after options, environment and defaults are merged and checked. */
export type Settings = z.infer<typeof settingsSchema>;

/** What callers may set; anything left out comes from the environment, then defaults. */
export type SettingsInput = Partial<Settings>;

/**
 * Merges options over the environment (`REDIS_OM_URL`, `REDIS_OM_MIGRATIONS_DIR`) over the
 * defaults, and validates the result. Throws a {@link ConfigError} naming each bad setting.
 */
export function resolveSettings(input: SettingsInput, env: NodeJS.ProcessEnv = process.env): Settings {
  const merged = {
    migrationsDir: input.migrationsDir ?? nonEmpty(env.REDIS_OM_MIGRATIONS_DIR) ?? DEFAULT_MIGRATIONS_DIR,
    module: input.module,
    redisUrl: input.redisUrl ?? nonEmpty(env.REDIS_OM_URL) ?? DEFAULT_REDIS_URL,
    keyPrefix: input.keyPrefix ?? DEFAULT_KEY_PREFIX,
    lockTimeoutMs: input.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    lockLeaseMs: input.lockLeaseMs ?? DEFAULT_LOCK_LEASE_MS,
    cwd: input.cwd ?? process.cwd(),
  };
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid settings: ${problems.join('; ')}.`);
  }
  return parsed.data;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
