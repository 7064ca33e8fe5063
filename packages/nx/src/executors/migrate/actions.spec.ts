import type { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagFor } from '../shared/command-table';
import { NOT_ACTIONS, SCHEMA_ACTION_NAMES, SCHEMA_ACTIONS, SCHEMA_COMMON_OPTIONS } from './actions';

// The CLI is the source of truth: every action and option the executor forwards must exist there.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildProgram } = require('@om/migrations/cli') as { buildProgram(): Command };

const migrate = buildProgram().commands.find((c) => c.name() === 'migrate')!;
const schema = JSON.parse(readFileSync(join(__dirname, 'schema.json'), 'utf8'));

function flagsOf(command: Command): string[] {
  return command.options.map((option: Option) => option.long!);
}

describe('migrate actions', () => {
  it.each(SCHEMA_ACTION_NAMES)('%s is an `om migrate` command that takes the forwarded options', (action) => {
    const command = migrate.commands.find((c) => c.name() === action);
    expect(command).toBeDefined();
    const flags = flagsOf(command!);
    for (const option of [...SCHEMA_ACTIONS[action].options, ...SCHEMA_COMMON_OPTIONS]) {
      expect(flags).toContain(flagFor(option));
    }
    const args = command!.registeredArguments;
    if (SCHEMA_ACTIONS[action].positional === undefined) expect(args).toHaveLength(0);
    else expect(args[0]?.required).toBe(SCHEMA_ACTIONS[action].positional === 'required');
  });

  it('covers every `om migrate` command (create is the schema-migration generator)', () => {
    const commands = migrate.commands.map((c) => c.name()).sort();
    expect(commands).toEqual([...SCHEMA_ACTION_NAMES, ...Object.keys(NOT_ACTIONS)].sort());
  });

  it('forwards every option of every action: the common ones are exactly those all commands share', () => {
    const actions = migrate.commands.filter((c) => c.name() in SCHEMA_ACTIONS);
    const shared = flagsOf(actions[0]!).filter((flag) => actions.every((c) => flagsOf(c).includes(flag)));
    expect(shared.sort()).toEqual(SCHEMA_COMMON_OPTIONS.map(flagFor).sort());
    for (const command of actions) {
      const own = flagsOf(command).filter((flag) => !shared.includes(flag));
      const action = command.name() as keyof typeof SCHEMA_ACTIONS;
      expect(own.sort()).toEqual(SCHEMA_ACTIONS[action].options.map(flagFor).sort());
    }
  });

  it('check is the one action that needs no Redis', () => {
    expect(SCHEMA_ACTION_NAMES.filter((a) => 'offline' in SCHEMA_ACTIONS[a])).toEqual(['check']);
    expect(migrate.commands.find((c) => c.name() === 'check')!.description()).toMatch(/no Redis/);
  });

  it("schema.json's action enum is the command table", () => {
    expect(schema.properties.action.enum).toEqual(SCHEMA_ACTION_NAMES);
  });

  it('schema.json describes every option the table forwards', () => {
    const forwarded = new Set([
      ...SCHEMA_ACTION_NAMES.flatMap((a) => SCHEMA_ACTIONS[a].options),
      ...SCHEMA_COMMON_OPTIONS,
      'id',
      'redisUrlEnv',
    ]);
    expect(Object.keys(schema.properties).sort()).toEqual(['action', ...forwarded].sort());
  });

  it('schema.json refuses options it does not name (Nx checks this before the executor runs)', () => {
    expect(schema.additionalProperties).toBe(false);
  });

  it("schema.json's strategy choices are the CLI's", () => {
    const run = migrate.commands.find((c) => c.name() === 'run')!;
    const option = run.options.find((o: Option) => o.long === '--strategy')!;
    expect(option.flags).toContain(`<${schema.properties.strategy.enum.join('|')}>`);
  });
});
