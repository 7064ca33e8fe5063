import type { Command, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appliesTo, executorJsonSchema, kebabCase, type ExecutorTable } from '../executors/shared/option-table';

// The CLI is the source of truth: every action and option the executor forwards must exist there.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildProgram } = require('@om/migrations/cli') as { buildProgram(): Command };

const PACKAGE_ROOT = join(__dirname, '../..');

/** The `om <command>` subcommand of this name. */
export function cliCommand(command: string, action?: string): Command {
  const parent = buildProgram().commands.find((c) => c.name() === command)!;
  return action === undefined ? parent : parent.commands.find((c) => c.name() === action)!;
}

function flagsOf(command: Command): string[] {
  return command.options.map((option: Option) => option.long!);
}

/**
 * The options Nx's task commands parse for themselves (`nx run`, `nx run-many`, `nx affected`),
 * with their aliases: an executor option of one of these names never reaches the executor.
 */
export function nxOwnOptions(): Set<string> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const shared = require('nx/src/command-line/yargs-utils/shared-options');
  const yargs = require(require.resolve('yargs', { paths: [dirname(require.resolve('nx/package.json'))] }));
  /* eslint-enable @typescript-eslint/no-require-imports */
  const builders = [
    shared.withRunOneOptions(shared.withBatch(shared.withTuiOptions(yargs([])))),
    shared.withRunManyOptions(shared.withOutputStyleOption(shared.withTargetAndConfigurationOption(yargs([])))),
    shared.withAffectedOptions(shared.withRunOptions(shared.withTargetAndConfigurationOption(yargs([])))),
  ];
  const names = new Set<string>(['help', 'version']);
  for (const builder of builders) {
    const { key, alias } = builder.getOptions() as { key: Record<string, unknown>; alias: Record<string, string[]> };
    for (const name of Object.keys(key)) names.add(name);
    for (const aliases of Object.values(alias)) for (const name of aliases) names.add(name);
  }
  return names;
}

/**
 * The checks every executor table passes against the `om` CLI and Nx: its actions are the
 * command's (but `notActions`), each action passes exactly the flags the CLI command takes
 * (`--verbose` follows Nx's own), its positional argument is the CLI's, no option name is
 * one Nx keeps for itself, and the built schema.json is the table's.
 */
export function describeTableAgainstCli(table: ExecutorTable, notActions: readonly string[]): void {
  const names = Object.keys(table.actions);
  const options = Object.entries(table.options);

  describe(`${table.executor}: the table against \`om ${table.command}\` and Nx`, () => {
    it(`has one action per \`om ${table.command}\` command, but ${notActions.join(', ')}`, () => {
      const commands = cliCommand(table.command).commands.map((c) => c.name());
      expect([...names, ...notActions].sort()).toEqual(commands.sort());
    });

    it.each(names)('%s passes exactly the flags its CLI command takes', (action) => {
      const command = cliCommand(table.command, action);
      const passed = options.filter(([, o]) => appliesTo(o, action) && o.cli.startsWith('--')).map(([, o]) => o.cli);
      const cliFlags = flagsOf(command).filter((flag) => flag !== '--verbose');
      expect(passed.sort()).toEqual(cliFlags.sort());
    });

    it.each(names)("%s takes the CLI command's positional argument, required where the CLI requires it", (action) => {
      const args = cliCommand(table.command, action).registeredArguments;
      const argument = options.find(([, o]) => o.cli === 'argument' && appliesTo(o, action));
      expect(args.length).toBe(argument ? 1 : 0);
      if (argument) expect(args[0]!.required).toBe(argument[1].requiredBy?.includes(action) ?? false);
    });

    it("names no option as Nx's own arguments are named (Nx would keep the value for itself)", () => {
      const own = nxOwnOptions();
      expect(own.has('target')).toBe(true);
      expect(own.has('verbose')).toBe(true);
      const clashes = options.map(([name]) => name).filter((name) => own.has(name) || own.has(kebabCase(name)));
      expect(clashes).toEqual([]);
    });

    it('ships a schema.json, generated from the table, that refuses options it does not name', () => {
      const executors = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'executors.json'), 'utf8')).executors;
      const entry = Object.values<{ implementation: string; schema: string }>(executors).find((e) =>
        e.schema.includes(`/executors/${table.command}/`),
      )!;
      const built = join(PACKAGE_ROOT, entry.schema);
      expect(existsSync(built)).toBe(true);
      const schema = JSON.parse(readFileSync(built, 'utf8'));
      expect(schema).toEqual(executorJsonSchema(table));
      expect(schema.additionalProperties).toBe(false);
      expect(Object.keys(schema.properties)).toEqual(['action', ...options.map(([name]) => name)]);
      expect(schema.properties.action.enum).toEqual(names);
    });
  });
}
