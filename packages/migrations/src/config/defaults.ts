/** Default Redis URL when neither an option nor `REDIS_OM_URL` gives one. */
export const DEFAULT_REDIS_URL = 'redis://localhost:6379';

/** Default migrations root when neither an option nor `REDIS_OM_MIGRATIONS_DIR` gives one. */
export const DEFAULT_MIGRATIONS_DIR = 'migrations';

/** The default prefix of every key the engine keeps its own state under. */
export const DEFAULT_KEY_PREFIX = 'om:migrations:';

/** Default lease of the migration lock: how long a killed holder blocks others. */
export const DEFAULT_LOCK_LEASE_MS = 30_000;

/** Default time a second runner waits for the migration lock. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/**
 * The folder under the migrations root that holds the failure reports of runs
 * (`<migrations>/.om-reports/<time>-<command>.jsonl`). Machine-local output: the Nx generators
 * add it to `.gitignore`.
 */
export const REPORTS_FOLDER = '.om-reports';
