import type { Option } from 'commander';
import { cliCommand, describeTableAgainstCli } from '../../testing/executor-table';
import { kebabCase } from '../shared/option-table';
import { MIGRATE_DATA } from './options';

describeTableAgainstCli(MIGRATE_DATA, ['create']);

describe('@om/nx:migrate-data options', () => {
  it("offers the CLI's failureMode choices", () => {
    const option = cliCommand('migrate-data', 'run').options.find((o: Option) => o.long === '--failure-mode')!;
    expect(MIGRATE_DATA.options.failureMode.schema.options).toEqual(option.argChoices);
  });

  it("spells each flag as its option's name, but upTo (the CLI's --target, a name Nx keeps) and builtins (a list, one --builtin each)", () => {
    const renamed = Object.entries(MIGRATE_DATA.options)
      .filter(([name, option]) => option.cli.startsWith('--') && option.cli !== `--${kebabCase(name)}`)
      .map(([name, option]) => `${name} → ${option.cli}`);
    expect(renamed).toEqual(['upTo → --target', 'builtins → --builtin']);
  });
});
