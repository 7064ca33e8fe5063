import { z } from 'zod';
import { DEFAULT_PROJECT_MIGRATIONS_DIR, singleModelsPath, type EnvironmentSettings } from '../../utils/project-settings';
import { redisUrlFromEnv } from './argv';
import type { ExecutorOption } from './option-table';

/** Seconds, fractions allowed: the lock and indexing waits. */
export const seconds = z.number().nonnegative();

/**
 * The options both executors share, in the order their flags are passed: where the project's
 * migrations and models are, which Redis, and the lock. Each falls back to the project's
 * `metadata.om` (for the selected configuration), then to the CLI's default.
 */
export function projectOptions(about: {
  migrationsDir: string;
  models: string;
  redisUrl: string;
  redisUrlEnv: string;
}) {
  return {
    migrationsDir: {
      description: about.migrationsDir,
      schema: z.string().min(1),
      actions: 'every',
      cli: '--migrations-dir',
      fallback: ({ settings }) => settings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR,
      path: 'folder',
      jsonSchema: { 'x-completion-type': 'directory' },
    },
    // Data migrations only: `om migrate` has no --module (the migrate table leaves it out).
    module: {
      description:
        'Load migrations from the MIGRATIONS export of this module (relative to the project root, or a package name) instead of the folder.',
      schema: z.string().min(1),
      actions: 'every',
      cli: '--module',
      fallback: ({ settings }) => settings.module,
      path: 'module',
    },
    models: {
      description: about.models,
      schema: z.string().min(1),
      actions: 'every',
      cli: '--models',
      fallback: ({ settings }) => singleModelsPath(settings.models),
      path: 'module',
    },
    redisUrl: {
      description: about.redisUrl,
      schema: z.string().refine((url) => /^rediss?:\/\//.test(url), 'must start with redis:// or rediss://'),
      actions: 'every',
      cli: '--redis-url',
      redis: true,
      fallback: ({ settings, env, options }) =>
        redisUrlFromEnv((options.redisUrlEnv as string | undefined) ?? settings.redisUrlEnv, env),
    },
    redisUrlEnv: {
      description: about.redisUrlEnv,
      schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable'),
      actions: 'every',
      // Read by the executor (redisUrl's fallback), never passed: the CLI takes the URL.
      cli: 'none',
      redis: true,
    },
    keyPrefix: {
      description: 'Prefix of the keys that hold the ledger and the lock (default "om:migrations:").',
      schema: z.string().min(1),
      actions: 'every',
      cli: '--key-prefix',
      fallback: ({ settings }) => settings.keyPrefix,
    },
    namespace: {
      description:
        "Whose ledgers and progress these are: they live under <keyPrefix><namespace>:, while the lock stays shared. Default: the project's metadata.om.namespace, then the project's name; none when a keyPrefix is set (the layout before namespaces).",
      schema: z.string().min(1),
      actions: 'every',
      cli: '--namespace',
      fallback: ({ settings, options, project }) => settings.namespace ?? (keyPrefixGiven(settings, options) ? undefined : project),
    },
    lockTimeout: {
      description: 'Seconds to wait for another run to release the migration lock (default 60).',
      schema: seconds,
      actions: 'every',
      cli: '--lock-timeout',
      fallback: ({ settings }) => settings.lockTimeout,
    },
    lockLease: {
      description:
        'Seconds: lease of the migration lock, renewed while running; how long a killed run blocks others (default 30).',
      schema: seconds,
      actions: 'every',
      cli: '--lock-lease',
      fallback: ({ settings }) => settings.lockLease,
    },
  } as const satisfies Record<string, ExecutorOption<never>>;
}

/**
 * Whether a key prefix was chosen (option or `metadata.om`): a project that names one keeps its
 * state where it did before namespaces, so an old workspace finds its ledger by setting the old
 * default prefix.
 */
function keyPrefixGiven(settings: EnvironmentSettings, options: Readonly<Record<string, unknown>>): boolean {
  return options.keyPrefix !== undefined || settings.keyPrefix !== undefined;
}

/** `yes`: Nx tasks cannot answer a prompt, so the executors say yes unless told otherwise. */
export const YES_DESCRIPTION =
  'go ahead without asking. Nx tasks cannot answer a prompt, so this is on; pass --yes=false to be asked (fails without a terminal).';
