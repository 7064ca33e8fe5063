/** What the benches share: the processes they start (stopped however a bench ends), and free ports. */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Servers and proxies a bench started. */
const children = new Set<ChildProcess>();
process.on('exit', () => stopAll());

/** Keeps `child` to stop it when the bench ends. */
export function started(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM to every process started and still running. */
export function stopAll(): void {
  children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
}

/** A TCP port free on loopback now. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}
