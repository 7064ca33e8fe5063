import { execFileSync } from 'node:child_process';

/**
 * Sends one command as another client would and returns once Redis has answered: the app's
 * write made while a transform runs, landed before the transform returns. (An async client's
 * write may reach Redis after the batch it races, and the test would race with it.)
 */
export function appWriteNow(url: string, ...args: string[]): string {
  const reply = execFileSync('redis-cli', ['-u', url, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (/^(ERR|WRONGTYPE|NOSCRIPT|\(error\))/.test(reply)) throw new Error(`redis-cli ${args.join(' ')}: ${reply.trim()}`);
  return reply.trim();
}
