import { checkArgumentSplit, checkTargetOption, invokingCommandLine } from './invocation';

const nx = (...args: string[]) => ['node', '/ws/node_modules/.bin/nx', ...args];

describe('checkArgumentSplit', () => {
  it('refuses a `--`, naming the options Nx dropped and the command to run instead', () => {
    const error = checkArgumentSplit(nx('run', 'api:migrate-data', '--dryRun', '--', '--verbose'));
    expect(error).toContain(
      "the task's options before it (among: --dryRun) never reach it, so a dry run could become a real one",
    );
    expect(error).toContain(
      'Nothing was run. Give every option without `--`: nx run api:migrate-data --dryRun --verbose',
    );
    expect(checkArgumentSplit(nx('run-many', '-t', 'migrate-data', '--dry-run', '--', '--limit=1'))).toContain(
      '(among: -t --dry-run)',
    );
    expect(checkArgumentSplit(nx('run', 'api:migrate-data', '--', '--dryRun'))).toContain(
      'Give every option without `--`: nx run api:migrate-data --dryRun',
    );
  });

  it('accepts a command line without `--`, and one it cannot read', () => {
    expect(checkArgumentSplit(nx('run', 'api:migrate-data', '--dryRun', '--verbose'))).toBeUndefined();
    expect(checkArgumentSplit(['node', '/ws/node_modules/nx/dist/bin/nx.js', 'migrate-data', 'api'])).toBeUndefined();
    // Not an nx command line (a script calling runExecutor): its own `--` is none of our business.
    expect(checkArgumentSplit(['node', 'deploy.js', '--', '--x'])).toBeUndefined();
    expect(checkArgumentSplit(undefined)).toBeUndefined();
  });
});

describe('invokingCommandLine', () => {
  it('reads the command line of the process Nx names as the one that started the task', () => {
    const own = invokingCommandLine({ NX_INVOCATION_ANCESTOR_PIDS: `1,${process.pid}` });
    if (process.platform === 'win32') expect(own).toBeUndefined();
    else expect(own).toEqual(expect.arrayContaining(process.argv.slice(1).filter((arg) => !/\s/.test(arg))));
  });

  it('is undefined outside an Nx task', () => {
    expect(invokingCommandLine({})).toBeUndefined();
  });
});

describe('checkTargetOption', () => {
  it("refuses --target on a migration target, pointing at the executor's option", () => {
    expect(checkTargetOption(nx('run', 'api:migrate-data', '--target=20250101_000000_a'), 'migrate-data', 'upTo')).toBe(
      "--target is Nx's own option (the target to run): it never reaches the task. Nothing was run. For the CLI's --target, pass --upTo=20250101_000000_a.",
    );
    expect(checkTargetOption(nx('migrate-data', 'api', '-t', 'x'), 'migrate-data', 'upTo')).toContain('--upTo=x');
    expect(checkTargetOption(nx('run', 'shop:migrate', '--target', 'x'), 'migrate', undefined)).toMatch(
      /Nothing was run\.$/,
    );
  });

  it('accepts --target naming the target being run, and an nx command line without it', () => {
    expect(checkTargetOption(nx('run-many', '--target=migrate-data'), 'migrate-data', 'upTo')).toBeUndefined();
    expect(checkTargetOption(nx('affected', '-t', 'lint,migrate-data'), 'migrate-data', 'upTo')).toBeUndefined();
    expect(checkTargetOption(nx('run', 'api:migrate-data', '--upTo=x'), 'migrate-data', 'upTo')).toBeUndefined();
    expect(checkTargetOption(undefined, 'migrate-data', 'upTo')).toBeUndefined();
  });
});
