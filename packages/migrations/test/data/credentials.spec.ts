import { freePort, useRedisServer } from '../support/redis-server';
import { makeProject, recordingMigration, runOm, type CliResult } from '../support/cli';

const SECRET = 'LeakMe123';

/** Every way ioredis accepts a credential in a URL, with `<port>` for the server's port. */
const FORMS = [
  'redis://127.0.0.1:<port>/?password=<secret>',
  'redis://127.0.0.1:<port>/9?password=<secret>',
  'redis://127.0.0.1:<port>?username=bob&password=<secret>',
  'redis://:<secret>@127.0.0.1:<port>',
  'redis://bob:<secret>@127.0.0.1:<port>/2',
  'redis://<secret>@127.0.0.1:<port>',
  'redis://127.0.0.1:<port>?sentinelPassword=<secret>&password=<secret>',
  '//:<secret>@127.0.0.1:<port>',
];

function expectNoSecret(result: CliResult): void {
  expect(`${result.stdout}\n${result.stderr}`).not.toContain(SECRET);
}

describe('no command prints a credential of the Redis URL', () => {
  const project = makeProject({ 'migrations/data-migrations/20240101_000001_a.ts': recordingMigration('20240101_000001_a') });
  afterAll(() => project.remove());

  describe('a server that is not there', () => {
    let port: number;
    beforeAll(async () => {
      port = await freePort();
    });

    it.each(FORMS)('REDIS_OM_URL=%s, in the connection error (also with --verbose)', async (form) => {
      const url = form.replace(/<port>/g, String(port)).replace(/<secret>/g, SECRET);
      for (const args of [['migrate-data', 'status'], ['migrate-data', 'status', '--verbose'], ['migrate', 'status', '--models', 'nowhere.ts']]) {
        const result = await runOm(args, { cwd: project.dir, env: { REDIS_OM_URL: url } });
        expect(result.code).not.toBe(0);
        expect(result.stderr).toMatch(/error: /);
        expectNoSecret(result);
      }
    });

    it('given with --redis-url (both spellings) as well', async () => {
      const url = `redis://bob:${SECRET}@127.0.0.1:${port}`;
      for (const args of [['--redis-url', url], [`--redis-url=${url}`]]) {
        const result = await runOm(['migrate-data', 'run', '-y', ...args, '--verbose'], { cwd: project.dir });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('bob:***@');
        expectNoSecret(result);
      }
    });
  });

  describe('a server that refuses the password', () => {
    const state = useRedisServer({ password: 'the-real-one' });

    it.each(FORMS.filter((form) => !form.includes('/9') && !form.includes('/2')))('%s', async (form) => {
      const url = form.replace(/<port>/g, String(state.server.port)).replace(/<secret>/g, SECRET);
      const result = await runOm(['migrate-data', 'status', '--verbose'], { cwd: project.dir, env: { REDIS_OM_URL: url } });
      // A URL that is not one is bad input (2); a refused password fails at run time (1).
      expect(result.code).toBe(/must start with redis:\/\//.test(result.stderr) ? 2 : 1);
      expect(result.stderr).toMatch(/rejected the username or password|requires a password|Cannot connect|must start with redis:\/\//);
      expectNoSecret(result);
    });

    it('a successful run with --verbose shows the URL redacted', async () => {
      const url = `redis://default:the-real-one@127.0.0.1:${state.server.port}`;
      const result = await runOm(['migrate-data', 'run', '-y', '--verbose'], { cwd: project.dir, env: { REDIS_OM_URL: url } });
      expect(result.code).toBe(0);
      expect(`${result.stdout}${result.stderr}`).not.toContain('the-real-one');
    });
  });
});
