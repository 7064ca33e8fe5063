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
  migrationsDir: z.string().trim().min(1, 'must not be empty'),
  /** Whether the migrations folder was named (option or environment), so a missing one is an error. */
  migrationsDirGiven: z.boolean(),
  module: z.string().trim().min(1, 'must not be empty').optional(),
  redisUrl: z
    .string()
    .refine((url) => /^rediss?:\/\//i.test(url.trim()), 'must start with redis:// or rediss://, e.g. redis://localhost:6379'),
  keyPrefix: z.string().min(1, 'must not be empty').refine((prefix) => !/\s/.test(prefix), 'must not contain white space'),
  /**
   * Whose ledgers, checkpoints and built-in state these are, when several projects share one
   * Redis: they live under `<keyPrefix><namespace>:`, while the lock stays under the key prefix.
   * Braces are refused, so the key prefix alone decides the Redis Cluster slot of every key.
   */
  namespace: z
    .string()
    .min(1, 'must not be empty')
    .refine((name) => !/[\s{}]/.test(name), 'must not contain white space or braces')
    .optional(),
  lockTimeoutMs: z.number().int('must be a whole number of milliseconds').nonnegative('must be 0 or more'),
  lockLeaseMs: z.number().int('must be a whole number of milliseconds').min(1_000, 'must be at least 1 second'),
  cwd: z.string(),
});

/** How messages name each setting: the CLI option and environment variable a user sets it with. */
const SHOWN_AS: Readonly<Record<string, string>> = {
  migrationsDir: '--migrations-dir (or REDIS_OM_MIGRATIONS_DIR)',
  module: '--module',
  redisUrl: 'The Redis URL (--redis-url or REDIS_OM_URL)',
  keyPrefix: '--key-prefix',
  namespace: '--namespace',
  lockTimeoutMs: '--lock-timeout',
  lockLeaseMs: '--lock-lease',
};

/** Settings after options, environment and defaults are merged and checked. */
export type Settings = z.infer<typeof settingsSchema>;

/** What callers may set; anything left out comes from the environment, then defaults. */
export type SettingsInput = Partial<Omit<Settings, 'migrationsDirGiven'>>;

/**
 * Merges options over the environment (`REDIS_OM_URL`, `REDIS_OM_MIGRATIONS_DIR`) over the
 * defaults, and validates the result. Throws a {@link ConfigError} naming each bad setting.
 */
export function resolveSettings(input: SettingsInput, env: NodeJS.ProcessEnv = process.env): Settings {
  const dirFromEnv = fromEnv(env, 'REDIS_OM_MIGRATIONS_DIR', 'a folder, e.g. REDIS_OM_MIGRATIONS_DIR=migrations');
  const merged = {
    migrationsDir: input.migrationsDir ?? dirFromEnv ?? DEFAULT_MIGRATIONS_DIR,
    migrationsDirGiven: input.migrationsDir !== undefined || dirFromEnv !== undefined,
    module: input.module,
    redisUrl: input.redisUrl ?? fromEnv(env, 'REDIS_OM_URL', 'a URL, e.g. REDIS_OM_URL=redis://localhost:6379') ?? DEFAULT_REDIS_URL,
    keyPrefix: input.keyPrefix ?? DEFAULT_KEY_PREFIX,
    namespace: input.namespace,
    lockTimeoutMs: input.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    lockLeaseMs: input.lockLeaseMs ?? DEFAULT_LOCK_LEASE_MS,
    cwd: input.cwd ?? process.cwd(),
  };
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return `${SHOWN_AS[key] ?? key} ${issue.message}`;
    });
    throw new ConfigError(`${problems.join('; ')}.`, {
      hint: 'Fix the option or environment variable named above and run the command again.',
    });
  }
  return { ...parsed.data, redisUrl: parsed.data.redisUrl.trim() };
}

/**
 * A setting from the environment. A variable that is set but empty is refused: it is most often
 * a deploy whose secret did not arrive, and falling back to the default would migrate another
 * server (or fail far from the cause).
 */
function fromEnv(env: NodeJS.ProcessEnv, name: string, expected: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (value.trim() === '') {
    throw new ConfigError(`${name} is set but empty.`, {
      hint: `Set it to ${expected}, or unset it (unset ${name}) to use the default.`,
    });
  }
  return value;
}
