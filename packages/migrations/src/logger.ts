import { redactSecrets } from './redact';

/** Where the engine writes what it is doing. The CLI prints it; the API can route it anywhere. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Shown only with `--verbose`. */
  debug(message: string): void;
}

/**
 * A logger that writes info to stdout and warnings and errors to stderr. Every line is scrubbed
 * of Redis credentials: any Redis URL in it is redacted, and so is every literal secret of
 * `redisUrls` (the URLs the run was given) and of `REDIS_OM_URL`.
 */
export function createConsoleLogger(
  options: {
    verbose?: boolean;
    redisUrls?: readonly (string | undefined)[];
    /** Where info and debug go: stdout (default), or stderr when stdout carries something else (`--json`). */
    infoStream?: 'stdout' | 'stderr';
  } = {},
): Logger {
  const urls = [...(options.redisUrls ?? []), process.env.REDIS_OM_URL];
  const line = (message: string): string => `${redactSecrets(message, urls)}\n`;
  const info = (text: string) => (options.infoStream === 'stderr' ? process.stderr : process.stdout).write(text);
  return {
    info: (message) => info(line(message)),
    warn: (message) => process.stderr.write(line(`warning: ${message}`)),
    error: (message) => process.stderr.write(line(`error: ${message}`)),
    debug: (message) => {
      if (options.verbose) info(line(message));
    },
  };
}

/** A logger that drops everything: the default for the programmatic API. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
