import { cliCommand, describeTableAgainstCli } from '../../testing/executor-table';
import { kebabCase } from '../shared/option-table';
import { MIGRATE } from './options';

// `create` writes into the workspace: that is the schema-migration generator, not a task.
describeTableAgainstCli(MIGRATE, ['create']);

describe('@om/nx:migrate options', () => {
  it('check is the one action that needs no Redis', () => {
    const offline = Object.entries(MIGRATE.actions).filter(([, action]) => 'offline' in action);
    expect(offline.map(([name]) => name)).toEqual(['check']);
    expect(cliCommand('migrate', 'check').description()).toMatch(/no Redis/);
  });

  it("offers the CLI's strategy choices", () => {
    const option = cliCommand('migrate', 'run').options.find((o) => o.long === '--strategy')!;
    expect(option.flags).toContain(`<${MIGRATE.options.strategy.schema.options.join('|')}>`);
  });

  it("spells each flag as its option's name", () => {
    for (const [name, option] of Object.entries(MIGRATE.options)) {
      if (option.cli.startsWith('--')) expect(option.cli).toBe(`--${kebabCase(name)}`);
    }
  });
});
