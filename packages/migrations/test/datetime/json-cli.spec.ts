import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { Repository } from 'redis-om';
import { OM_BIN, makeProject, runOm } from '../support/cli';
import { describeWithRedisStack } from '../support/redis-stack';
import { shipmentSchema } from './fixtures/json-nested-models';

const MODELS = resolve(__dirname, 'fixtures/json-nested-models.ts');
const ID = '001_datetime_fields_to_timestamps';

/** The date paths of Shipment, as steps into the document. */
const DATE_PATHS = [['createdAt'], ['shipping', 'at'], ['shipping', 'tracking', 'delivered', 'at']] as const;

/**
 * The stored date values the seeds use: what `run` must write (a number of seconds; naive and
 * date-only values are UTC) and what `rollback` then writes back (ISO 8601 UTC).
 */
const DATES: Record<string, { seconds: number; back: string }> = {
  '2024-01-02T03:04:05.678Z': { seconds: Date.parse('2024-01-02T03:04:05.678Z') / 1000, back: '2024-01-02T03:04:05.678Z' },
  '2024-01-02': { seconds: Date.parse('2024-01-02T00:00:00Z') / 1000, back: '2024-01-02T00:00:00Z' },
  '2024-07-15T12:00:00': { seconds: Date.parse('2024-07-15T12:00:00Z') / 1000, back: '2024-07-15T12:00:00Z' },
  '2024-07-15T14:00:00+02:00': { seconds: Date.parse('2024-07-15T12:00:00Z') / 1000, back: '2024-07-15T12:00:00Z' },
  '2023-03-04T05:06:07Z': { seconds: Date.parse('2023-03-04T05:06:07Z') / 1000, back: '2023-03-04T05:06:07Z' },
};
const ISO = Object.keys(DATES);
/** Already epoch seconds: `run` leaves it; `rollback` writes it as ISO. */
const NUMERIC = 1704164645.5;
const NUMERIC_BACK = '2024-01-02T03:04:05.5Z';

type Doc = Record<string, unknown>;

/** Shipment `i`: every kind of value at every date path (ISO, numeric, null, missing, parent missing). */
function shipment(i: number): Doc {
  const createdAt = [ISO[0], ISO[1], ISO[2], ISO[3], NUMERIC, null, undefined][i % 7];
  const doc: Doc = { reference: `ref ${ISO[4]}`, weight: i, note: ISO[0] };
  if (createdAt !== undefined) doc.createdAt = createdAt;
  switch (i % 5) {
    case 0:
      break; // no shipping object at all
    case 1:
      doc.shipping = { at: ISO[(i + 1) % 5], carrier: 'ups' };
      break;
    case 2:
      doc.shipping = { at: null, carrier: 'dhl', tracking: { delivered: { at: ISO[(i + 2) % 5] } } };
      break;
    case 3:
      doc.shipping = { carrier: 'fedex', tracking: { delivered: { at: ISO[(i + 3) % 5] } } };
      break;
    default:
      doc.shipping = { at: NUMERIC, tracking: { delivered: { at: null } } };
  }
  return doc;
}

function getAt(doc: Doc, path: readonly string[]): { found: boolean; value?: unknown } {
  let node: unknown = doc;
  for (const step of path) {
    if (node === null || typeof node !== 'object' || !(step in (node as Doc))) return { found: false };
    node = (node as Doc)[step];
  }
  return { found: true, value: node };
}

/** A deep copy of `doc` with every value at a date path mapped by `f` (missing paths stay missing). */
function mapDates(doc: Doc, f: (value: unknown) => unknown): Doc {
  const copy = structuredClone(doc);
  for (const path of DATE_PATHS) {
    const at = getAt(copy, path);
    if (!at.found) continue;
    const parent = getAt(copy, path.slice(0, -1)).value as Doc;
    parent[path.at(-1)!] = f(at.value);
  }
  return copy;
}

const converted = (value: unknown) => (typeof value === 'string' ? DATES[value]!.seconds : value);
const rolledBack = (value: unknown) =>
  typeof value === 'number' ? (value === NUMERIC ? NUMERIC_BACK : Object.values(DATES).find((d) => d.seconds === value)!.back) : value;

/** JSON text with object keys sorted: equal for equal documents whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Doc)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** How the seeds' date values divide: what `run` converts, leaves as numbers, finds missing. */
function census(docs: Doc[]): { converted: number; numeric: number; missing: number } {
  const counts = { converted: 0, numeric: 0, missing: 0 };
  for (const doc of docs) {
    for (const path of DATE_PATHS) {
      const { found, value } = getAt(doc, path);
      if (!found || value === null) counts.missing += 1;
      else if (typeof value === 'number') counts.numeric += 1;
      else counts.converted += 1;
    }
  }
  return counts;
}

describeWithRedisStack('om migrate-data with the built-in datetime migration on RedisJSON documents (nested paths, null, missing)', (stack) => {
  let redis: Redis;
  let project: ReturnType<typeof makeProject>;

  beforeAll(() => {
    redis = new Redis(stack.url);
    project = makeProject();
  });
  afterAll(() => {
    redis.disconnect();
    project.remove();
  });
  beforeEach(() => redis.flushall());

  const om = (...args: string[]) => runOm(['migrate-data', ...args, '--models', MODELS, '--builtin', 'datetime'], { cwd: project.dir, env: { REDIS_OM_URL: stack.url } });

  async function seed(count: number): Promise<Doc[]> {
    const docs = Array.from({ length: count }, (_, i) => shipment(i));
    for (let start = 0; start < count; start += 2000) {
      const pipeline = redis.pipeline();
      for (let i = start; i < Math.min(count, start + 2000); i++) pipeline.call('JSON.SET', `Shipment:${i}`, '$', JSON.stringify(docs[i]));
      await pipeline.exec();
    }
    // Keys the migration must not touch: another type, another prefix, a model without dates.
    await redis.hset('Shipment:hash', 'createdAt', ISO[0]);
    await redis.call('JSON.SET', 'Shipments:1', '$', JSON.stringify({ createdAt: ISO[0] }));
    await redis.call('JSON.SET', 'Note:1', '$', JSON.stringify({ text: ISO[0], createdAt: ISO[0] }));
    return docs;
  }

  async function readAll(count: number): Promise<(Doc | null)[]> {
    const pipeline = redis.pipeline();
    for (let i = 0; i < count; i++) pipeline.call('JSON.GET', `Shipment:${i}`, '$');
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return reply === null ? null : (JSON.parse(reply as string) as Doc[])[0]!;
    });
  }

  async function expectOthersUntouched(): Promise<void> {
    expect(await redis.hgetall('Shipment:hash')).toEqual({ createdAt: ISO[0] });
    expect(await redis.call('JSON.GET', 'Shipments:1', '$')).toBe(JSON.stringify([{ createdAt: ISO[0] }]));
    expect(await redis.call('JSON.GET', 'Note:1', '$')).toBe(JSON.stringify([{ text: ISO[0], createdAt: ISO[0] }]));
  }

  /** What the application reads through redis-om 0.4.7. */
  async function fetchThroughRedisOm<T>(read: (repository: Repository) => Promise<T>): Promise<T> {
    const client = createClient({ url: stack.url });
    await client.connect();
    try {
      return await read(new Repository(shipmentSchema, client));
    } finally {
      await client.quit();
    }
  }

  it('run converts ISO strings at every path to numbers of seconds, leaves numbers, null and missing fields as they are, and redis-om then reads every date', async () => {
    const docs = await seed(350);
    const counts = census(docs);
    expect(counts).toEqual({ converted: 410, numeric: 120, missing: 520 });
    // Before: redis-om cannot read an ISO string in a JSON date.
    await expect(fetchThroughRedisOm((r) => r.fetch('0'))).rejects.toThrow(/InvalidJsonValue|date/i);
    const before = await om('verify', '--check-data', '--limit', '1000');
    expect(before.code).toBe(3);
    expect(before.stdout).toContain(`Date fields: ${counts.converted + counts.numeric} values in 350 keys checked, ${counts.converted} not epoch seconds in range.`);
    expect(before.stdout).toContain(`Shipment:3 $.shipping.tracking.delivered.at = "${ISO[1]}": a string, not a number of seconds`);

    const run = await om('run', '-y');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Shipment (JSON, createdAt, shippedAt, deliveredAt): 350 keys, converted ${counts.converted} values, ${counts.numeric} already numeric, ${counts.missing} missing, 0 failed`,
    );
    expect(await readAll(350)).toEqual(docs.map((d) => mapDates(d, converted)));
    // Spot checks of values users see: top level, one and three levels down; null and absent stay.
    expect(await redis.call('JSON.GET', 'Shipment:0', '$.createdAt')).toBe(`[${DATES[ISO[0]]!.seconds}]`);
    expect(await redis.call('JSON.GET', 'Shipment:1', '$.shipping.at')).toBe(`[${DATES['2024-07-15T12:00:00']!.seconds}]`);
    expect(await redis.call('JSON.GET', 'Shipment:3', '$.shipping.tracking.delivered.at')).toBe(`[${DATES['2024-01-02']!.seconds}]`);
    expect(await redis.call('JSON.GET', 'Shipment:5', '$.createdAt')).toBe('[null]');
    expect(await redis.call('JSON.GET', 'Shipment:6', '$.createdAt')).toBe('[]');
    expect(await redis.call('JSON.GET', 'Shipment:0', '$.shipping')).toBe('[]');
    expect(await redis.call('JSON.GET', 'Shipment:3', '$.shipping.at')).toBe('[]');
    await expectOthersUntouched();

    const verify = await om('verify', '--check-data');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`Date fields: ${counts.converted + counts.numeric} values in 350 keys checked, 0 not epoch seconds in range.`);
    expect(verify.stdout).toContain('Verification passed.');

    // redis-om reads every document, with the dates the strings meant. (An entity has the
    // document's shape: a field with a custom path is read where the path points.)
    const entities = await fetchThroughRedisOm((r) => Promise.all(docs.map((_d, i) => r.fetch(String(i)))));
    const shown = (value: unknown) => (value instanceof Date ? value.toISOString() : value === undefined ? 'absent' : value);
    const expectedDate = (value: unknown) => (typeof value === 'number' ? new Date(value * 1000).toISOString() : value === undefined ? 'absent' : value);
    expect(entities.map((e) => DATE_PATHS.map((path) => shown(getAt(e, path).value)))).toEqual(
      docs.map((d) => DATE_PATHS.map((path) => expectedDate(converted(getAt(d, path).value)))),
    );
    expect(getAt(entities[1]!, ['shipping', 'at']).value).toEqual(new Date('2024-07-15T12:00:00Z'));
    expect(getAt(entities[3]!, ['shipping', 'tracking', 'delivered', 'at']).value).toEqual(new Date('2024-01-02T00:00:00Z'));
  }, 90_000);

  it(`rollback ${ID} writes ISO 8601 UTC strings back at every path, leaves null and missing alone; verify --check-data fails until run again`, async () => {
    const docs = await seed(70);
    expect((await om('run', '-y')).code).toBe(0);
    const afterRun = await readAll(70);

    const rollback = await om('rollback', ID, '-y');
    expect(rollback.stderr).toBe('');
    expect(rollback.code).toBe(0);
    expect(await readAll(70)).toEqual(docs.map((d) => mapDates(mapDates(d, converted), rolledBack)));
    expect(await redis.call('JSON.GET', 'Shipment:4', '$.createdAt')).toBe(JSON.stringify([NUMERIC_BACK]));
    expect(await redis.call('JSON.GET', 'Shipment:3', '$.shipping.tracking.delivered.at')).toBe('["2024-01-02T00:00:00Z"]');
    expect(await redis.call('JSON.GET', 'Shipment:2', '$.shipping.at')).toBe('[null]');
    await expectOthersUntouched();
    expect((await om('status')).stdout).toContain(`Pending migrations:\n  - ${ID}`);

    const counts = census(docs);
    const verify = await om('verify', '--check-data', '--limit', '2');
    expect(verify.code).toBe(3);
    expect(verify.stdout).toContain(`${counts.converted + counts.numeric} not epoch seconds in range.`);
    expect(verify.stdout).toContain(`… and ${counts.converted + counts.numeric - 2} more (raise --limit to list them).`);
    expect(verify.stderr).toContain(`Verification failed: 1 pending, ${counts.converted + counts.numeric} date values redis-om cannot read.`);

    // Forward again: the same documents as after the first run.
    expect((await om('run', '-y')).code).toBe(0);
    expect(await readAll(70)).toEqual(afterRun);
    expect((await om('verify', '--check-data')).code).toBe(0);
  }, 120_000);

  it('an app writing the same documents during the run keeps every write (compare-and-set on JSON); every other date is converted', async () => {
    const COUNT = 10_000;
    const docs = await seed(COUNT);
    // What the app's writes leave, applied as the server answers them. The app writes what an
    // app on redis-om 0.4.7 writes (numbers of seconds), deletes fields and keys, saves whole documents.
    const model: (Doc | null)[] = docs.map((d) => structuredClone(d));
    let appSeconds = 1_800_000_000;
    type Op = 'set createdAt' | 'set shipping.at' | 'set delivered.at' | 'delete createdAt' | 'save document' | 'delete key';
    const OPS: readonly Op[] = ['set createdAt', 'set shipping.at', 'set delivered.at', 'delete createdAt', 'save document', 'delete key'];
    const PATH_OF: Partial<Record<Op, readonly string[]>> = { 'set createdAt': DATE_PATHS[0], 'set shipping.at': DATE_PATHS[1], 'set delivered.at': DATE_PATHS[2] };

    async function appWrite(connection: Redis, i: number, op: Op): Promise<void> {
      const key = `Shipment:${i}`;
      const value = (appSeconds += 1);
      const path = PATH_OF[op];
      if (path) {
        // JSON.SET at a path answers OK when the parent exists, nil when it does not, an error without the key.
        const reply = await connection.call('JSON.SET', key, `$.${path.join('.')}`, String(value)).catch(() => 'error');
        const parentExists = model[i] !== null && getAt(model[i]!, path.slice(0, -1)).found;
        expect({ key, op, reply: reply === 'OK' }).toEqual({ key, op, reply: parentExists });
        if (parentExists) (getAt(model[i]!, path.slice(0, -1)).value as Doc)[path.at(-1)!] = value;
      } else if (op === 'delete createdAt') {
        if ((await connection.call('JSON.DEL', key, '$.createdAt')) === 1) delete model[i]!.createdAt;
      } else if (op === 'save document') {
        const saved = { createdAt: value, shipping: { at: value + 0.5, carrier: 'app' }, reference: 'saved by the app', weight: -i };
        await connection.call('JSON.SET', key, '$', JSON.stringify(saved));
        model[i] = saved;
      } else {
        await connection.del(key);
        model[i] = null;
      }
    }

    // Two app connections: one writes random documents all along (keys not divisible by 10);
    // the other writes a document right after it sees (MONITOR) the migration read it (keys
    // divisible by 10), which is when a write without compare-and-set would be lost.
    const background = new Redis(stack.url);
    const chaser = new Redis(stack.url);
    const monitorSource = new Redis(stack.url);
    const monitor = await monitorSource.monitor();
    const chased = new Set<number>();
    const chases: Promise<void>[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0] !== 'JSON.GET' || args[2] !== '$["createdAt"]') return;
      const i = Number(args[1]!.slice('Shipment:'.length));
      if (i % 10 !== 0 || chased.has(i)) return;
      chased.add(i);
      chases.push(appWrite(chaser, i, OPS[(i / 10) % OPS.length]!));
    });

    const child = spawn(process.execPath, [OM_BIN, 'migrate-data', 'run', '-y', '--models', MODELS, '--builtin', 'datetime', '--batch-size', '500'], {
      cwd: project.dir,
      env: { ...process.env, REDIS_OM_URL: stack.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let running = true;
    const exited = new Promise<number | null>((done) => child.on('close', (code) => ((running = false), done(code))));

    let state = 42;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let writes = 0;
    try {
      while (running) {
        let i = Math.floor(random() * COUNT);
        if (i % 10 === 0) i += 1;
        await appWrite(background, i, OPS[Math.floor(random() * OPS.length)]!);
        writes += 1;
      }
      await Promise.all(chases);
    } finally {
      monitor.disconnect();
      monitorSource.disconnect();
      background.disconnect();
      chaser.disconnect();
    }
    expect(stderr).toBe('');
    expect(await exited).toBe(0);
    const conflicts = Number(/, (\d+) changed by the app meanwhile \(left alone\)/.exec(stdout)?.[1] ?? 0);
    // eslint-disable-next-line no-console
    console.log(`app: ${writes} random writes, ${chased.size} right after the migration read the document; the migration counted ${conflicts} conflicts`);

    // Every key: what the app last wrote stands; every ISO string the app did not replace is converted.
    const actual = await readAll(COUNT);
    const wrong: unknown[] = [];
    model.forEach((doc, i) => {
      const expected = doc === null ? null : mapDates(doc, converted);
      if (canonical(actual[i]) !== canonical(expected)) wrong.push({ key: `Shipment:${i}`, expected, actual: actual[i] });
    });
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(wrong).toHaveLength(0);
    // Every key divisible by 10 was written by the app just after the migration read it, and
    // many of those writes landed before its compare-and-set: the race happened.
    expect(chased.size).toBe(COUNT / 10);
    expect(conflicts).toBeGreaterThanOrEqual(100);
    await expectOthersUntouched();
    const verify = await om('verify', '--check-data');
    expect(verify.stdout).toContain(' 0 not epoch seconds in range.');
    expect(verify.code).toBe(0);
  }, 120_000);

  it('verify --check-data names each JSON value redis-om cannot read: strings, milliseconds, booleans, at nested paths', async () => {
    await redis.call('JSON.SET', 'Shipment:1', '$', JSON.stringify({ createdAt: 1704164645, shipping: { at: 1704164645678 } }));
    await redis.call('JSON.SET', 'Shipment:2', '$', JSON.stringify({ createdAt: true, shipping: { tracking: { delivered: { at: '2024-01-02' } } } }));
    await redis.call('JSON.SET', 'Shipment:3', '$', JSON.stringify({ createdAt: null, shipping: { at: 1704164645.25 } }));
    const verify = await om('verify', '--check-data');
    expect(verify.code).toBe(3);
    expect(verify.stdout).toContain('Date fields: 5 values in 3 keys checked, 3 not epoch seconds in range.');
    const listed = verify.stdout.split('\n').filter((l) => l.startsWith('  Shipment:') && l.includes(' = ')).sort();
    // (A non-string JSON value is shown as its text today, quoted like a string: the reason says its type.)
    expect(listed).toHaveLength(3);
    expect(listed[0]).toMatch(/^  Shipment:1 \$\.shipping\.at = "?1704164645678"?: a number outside years 0001-9999 \(milliseconds\?\)$/);
    expect(listed[1]).toBe('  Shipment:2 $.shipping.tracking.delivered.at = "2024-01-02": a string, not a number of seconds');
    expect(listed[2]).toMatch(/^  Shipment:2 \$\["createdAt"\] = "?true"?: a boolean, not a number of seconds$/);
  });
});
