/**
 * A TCP proxy that puts a network between the bench and its redis-server: every chunk, in both
 * directions, is forwarded a fixed one-way delay after it arrived, in order. Run in a process
 * of its own (its scheduling must not share an event loop with what is measured):
 * `node -r @swc-node/register bench/delay-proxy.ts <target-port> <one-way-ms>`; prints the port
 * it listens on, then runs until killed.
 *
 * Node's timers round up to whole milliseconds, so a timer alone cannot hold a chunk 0.25 ms:
 * chunks wait in per-direction queues stamped with process.hrtime, a timer sleeps until about
 * 1 ms before the earliest is due, and for the last stretch the event loop turns (still
 * serving sockets) between naps of NAP_MS in Atomics.wait, which sleeps in the kernel with
 * sub-millisecond precision. Turning it with setImmediate alone would spin a core whenever a
 * chunk is in flight, which is always during a pipelined run: no network costs its hosts that,
 * and on a 2-core machine the spin took CPU from the server, the worker and the app being
 * measured. A chunk that arrives during a nap is stamped when the nap ends, at most about
 * 0.1 ms late (the nap and the kernel's timer slack).
 */
import { connect, createServer, type Socket } from 'node:net';

interface Pending {
  due: bigint;
  /** Undefined: the sender closed; the close is passed on after the data before it, delayed alike. */
  chunk: Buffer | undefined;
}

/** One direction of one connection. */
interface Lane {
  queue: Pending[];
  head: number;
  to: Socket;
}

const [targetPort, oneWayMs] = process.argv.slice(2).map(Number);
if (!targetPort || oneWayMs === undefined || Number.isNaN(oneWayMs)) throw new Error('usage: delay-proxy.ts <target-port> <one-way-ms>');
const delay = BigInt(Math.round(oneWayMs * 1e6));
const lanes = new Set<Lane>();
let timer: NodeJS.Timeout | undefined;
let immediate: NodeJS.Immediate | undefined;
const NAP_MS = 0.05;
const napper = new Int32Array(new SharedArrayBuffer(4));

function pump(): void {
  timer = undefined;
  immediate = undefined;
  const now = process.hrtime.bigint();
  let earliest: bigint | undefined;
  for (const lane of lanes) {
    while (lane.head < lane.queue.length && lane.queue[lane.head]!.due <= now) {
      const { chunk } = lane.queue[lane.head]!;
      lane.head += 1;
      if (chunk) lane.to.write(chunk);
      else {
        lanes.delete(lane);
        lane.to.end();
      }
    }
    if (lane.head === lane.queue.length) {
      lane.queue = [];
      lane.head = 0;
    } else {
      const due = lane.queue[lane.head]!.due;
      if (earliest === undefined || due < earliest) earliest = due;
    }
  }
  if (earliest !== undefined) wake(earliest - now);
}

function wake(inNs: bigint): void {
  if (timer || immediate) return;
  if (inNs > 1_500_000n) timer = setTimeout(pump, Number(inNs / 1_000_000n) - 1);
  else
    immediate = setImmediate(() => {
      Atomics.wait(napper, 0, 0, Math.min(NAP_MS, Number(inNs) / 1e6));
      pump();
    });
}

function lane(from: Socket, to: Socket): void {
  const l: Lane = { queue: [], head: 0, to };
  lanes.add(l);
  const send = (chunk: Buffer | undefined) => {
    l.queue.push({ due: process.hrtime.bigint() + delay, chunk });
    wake(delay);
  };
  from.on('data', (chunk: Buffer) => send(chunk));
  // A reply still on its way (QUIT's OK) must arrive before the close that followed it.
  from.on('end', () => send(undefined));
  from.on('error', () => {
    lanes.delete(l);
    to.destroy();
  });
}

const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
  const upstream = connect({ port: targetPort, host: '127.0.0.1', noDelay: true, allowHalfOpen: true });
  lane(client, upstream);
  lane(upstream, client);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
