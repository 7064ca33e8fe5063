import { exists, hasFlag } from '@ioredis/commands';
import { DryRunWriteError } from '../errors';
import type { RedisClient } from './client';

// Commands without the `readonly` flag that change nothing in the keyspace.
const HARMLESS = new Set(['ping', 'echo', 'info', 'time', 'command', 'memory', 'client']);
// Module commands are unknown to ioredis's table: these read only.
const READ_ONLY_MODULE_COMMANDS = new Set([
  'ft.search',
  'ft.aggregate',
  'ft.info',
  'ft._list',
  'ft.explain',
  'ft.tagvals',
  'ft.dictdump',
  'ft.syndump',
  'ft.spellcheck',
  'json.get',
  'json.mget',
  'json.type',
  'json.strlen',
  'json.arrlen',
  'json.arrindex',
  'json.objkeys',
  'json.objlen',
  'json.resp',
]);

/** True when `command` cannot change data, so a dry run may send it. */
export function isReadOnlyCommand(command: string): boolean {
  const name = command.toLowerCase();
  if (READ_ONLY_MODULE_COMMANDS.has(name)) return true;
  if (!exists(name)) return false;
  return hasFlag(name, 'readonly') || HARMLESS.has(name);
}

function refuse(command: string, who: string): DryRunWriteError {
  return new DryRunWriteError(`${who} tried to send ${command.toUpperCase()} during a dry run; nothing was written.`, {
    hint: 'Check ctx.dryRun before writing, and only read (and report) in a dry run.',
  });
}

/** Strips ioredis's `Buffer` suffix (`hgetallBuffer` → `hgetall`). */
function commandNameOf(property: string): string {
  return property.endsWith('Buffer') ? property.slice(0, -'Buffer'.length) : property;
}

function guardQueue<T extends object>(queue: T, who: string): T {
  return new Proxy(queue, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const name = commandNameOf(property);
      if (property === 'call' || property === 'callBuffer') {
        return (command: string, ...args: unknown[]) => {
          if (!isReadOnlyCommand(command)) throw refuse(command, who);
          return (value as (...a: unknown[]) => unknown).call(target, command, ...args);
        };
      }
      if (exists(name) && !isReadOnlyCommand(name)) {
        return () => {
          throw refuse(name, who);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

/**
 * Wraps an ioredis client so that every command that could write is refused with a
 * {@link DryRunWriteError} before it is sent, directly, in a pipeline or in a MULTI.
 * `who` names the migration in the error.
 */
export function readOnlyClient<T extends RedisClient>(client: T, who: string): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => unknown;
      if (property === 'pipeline' || property === 'multi') {
        return (...args: unknown[]) => guardQueue(fn.apply(target, args) as object, who);
      }
      if (property === 'duplicate') {
        return (...args: unknown[]) => readOnlyClient(fn.apply(target, args) as RedisClient, who);
      }
      if (property === 'call' || property === 'callBuffer' || property === 'sendCommand') {
        return (first: unknown, ...args: unknown[]) => {
          const command = typeof first === 'string' ? first : String((first as { name?: string })?.name);
          if (!isReadOnlyCommand(command)) return Promise.reject(refuse(command, who));
          return fn.call(target, first, ...args);
        };
      }
      const name = commandNameOf(property);
      if (exists(name) && !isReadOnlyCommand(name)) {
        return () => Promise.reject(refuse(name, who));
      }
      return fn.bind(target);
    },
  });
}
