/** Where the engine writes what it is doing. The CLI prints it; the API can route it anywhere. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Shown only with `--verbose`. */
  debug(message: string): void;
}

/** A logger that writes info to stdout and warnings and errors to stderr. */
export function createConsoleLogger(options: { verbose?: boolean } = {}): Logger {
  return {
    info: (message) => process.stdout.write(`${message}\n`),
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
    error: (message) => process.stderr.write(`error: ${message}\n`),
    debug: (message) => {
      if (options.verbose) process.stdout.write(`${message}\n`);
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
