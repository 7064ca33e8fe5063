import type { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_NAMES, ACTIONS, COMMON_OPTIONS, flagFor } from './actions';

// The CLI is the source of truth: every action and option the executor forwards must exist there.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildProgram } = require('@om/migrations/cli') as { buildProgram(): Command };

const migrateData = buildProgram().commands.find((c) => c.name() === 'migrate-data')!;
const schema = JSON.parse(readFileSync(join(__dirname, 'schema.json'), 'utf8'));

function flagsOf(command: Command): string[] {
  return command.options.map((option: Option) => option.long!);
}

describe('migrate-data actions', () => {
  it.each(ACTION_NAMES)('%s is an `om migrate-data` command that takes the forwarded options', (action) => {
    const command = migrateData.commands.find((c) => c.name() === action);
    expect(command).toBeDefined();
    const flags = flagsOf(command!);
    for (const option of [...ACTIONS[action].options, ...COMMON_OPTIONS]) {
      expect(flags).toContain(flagFor(option));
    }
    const args = command!.registeredArguments;
    if (ACTIONS[action].positional === undefined) expect(args).toHaveLength(0);
    else expect(args[0]?.required).toBe(ACTIONS[action].positional === 'required');
  });

  it("schema.json's action enum is the command table", () => {
    expect(schema.properties.action.enum).toEqual(ACTION_NAMES);
  });

  it('schema.json describes every option the table forwards', () => {
    const forwarded = new Set([
      ...ACTION_NAMES.flatMap((a) => ACTIONS[a].options),
      ...COMMON_OPTIONS,
      'id',
      'redisUrlEnv',
    ]);
    expect(Object.keys(schema.properties).sort()).toEqual(['action', ...forwarded].sort());
  });

  it("schema.json's failureMode choices are the CLI's", () => {
    const run = migrateData.commands.find((c) => c.name() === 'run')!;
    const option = run.options.find((o: Option) => o.long === '--failure-mode')!;
    expect(schema.properties.failureMode.enum).toEqual(option.argChoices);
  });

  it('turns option names into the CLI spelling', () => {
    expect(flagFor('dryRun')).toBe('--dry-run');
    expect(flagFor('lockTimeout')).toBe('--lock-timeout');
    expect(flagFor('yes')).toBe('--yes');
  });
});
