import type { Logger } from '../../src/logger';

/** A logger that records every line by level, for assertions. */
export function captureLogger(): Logger & { lines: { level: string; message: string }[]; at(level: string): string[] } {
  const lines: { level: string; message: string }[] = [];
  const push = (level: string) => (message: string) => {
    lines.push({ level, message });
  };
  return {
    lines,
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
    debug: push('debug'),
    at: (level: string) => lines.filter((l) => l.level === level).map((l) => l.message),
  };
}
