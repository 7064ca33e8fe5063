import { checkArgumentSplit, invokingCommandLine } from './invocation';

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
