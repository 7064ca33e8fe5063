import type { DataMigrationStatus, MigrationStatusEntry } from '../data/plan';
import type { SkippedMigration } from '../data/data-migrator';
import { builtinNameOf, type BuiltinName } from '../builtin';

/** Renders `status` the way Redis OM Python prints it, with our flags added. Pure. */
export function formatStatus(
  status: DataMigrationStatus,
  options: {
    detailed?: boolean;
    blocked?: readonly SkippedMigration[];
    /** How the user enables a built-in, in the words of where the CLI runs. */
    enableHint?: (name: BuiltinName) => string;
  } = {},
): string {
  const enableHint = options.enableHint ?? ((name: BuiltinName) => `pass \`--builtin ${name}\``);
  const blocked = new Map((options.blocked ?? []).map((b) => [b.id, b.reason]));
  const lines = [
    'Migration Status:',
    `  Total migrations: ${status.totalMigrations}`,
    `  Applied: ${status.appliedCount}`,
    `  Pending: ${status.pendingCount}`,
  ];
  const pending = status.migrations.filter((m) => !m.applied);
  const applied = status.migrations.filter((m) => m.applied);
  if (status.totalMigrations === 0 && status.missing.length === 0 && status.builtinsNotEnabled.length === 0) {
    lines.push('', 'No data migrations found. Create one with: om migrate-data create <name>');
  }
  if (pending.length > 0) {
    lines.push('', 'Pending migrations:');
    for (const m of pending) {
      const reason = blocked.get(m.id);
      lines.push(`  - ${m.id}${reason ? `  (cannot run yet: ${reason})` : ''}`);
      if (options.detailed) lines.push(...details(m));
    }
  }
  if (applied.length > 0) {
    lines.push('', 'Applied migrations:');
    for (const m of applied) {
      lines.push(`  - ${m.id}${m.changedSinceApplied ? '  (CHANGED since it was applied)' : ''}`);
      if (options.detailed) lines.push(...details(m));
    }
  }
  // A built-in applied earlier is in the ledger but not loaded: not enabled, not a lost file.
  const gone = status.missing.filter((e) => builtinNameOf(e.id) === undefined);
  const builtinApplied = status.missing.filter((e) => builtinNameOf(e.id) !== undefined);
  const offered = status.builtinsNotEnabled.filter((b) => !builtinApplied.some((e) => e.id === b.id));
  if (offered.length > 0) {
    lines.push('', 'Built-in migrations not enabled (they run only where enabled):');
    for (const b of offered) {
      lines.push(`  - ${b.id}  (${b.description}; to enable it, ${enableHint(b.name)})`);
    }
  }
  if (builtinApplied.length > 0) {
    lines.push('', 'Applied built-in migrations not enabled now:');
    for (const e of builtinApplied) {
      lines.push(`  - ${e.id}  (applied ${e.appliedAt}, batch ${e.batch}; to roll it back, ${enableHint(builtinNameOf(e.id)!)})`);
    }
  }
  if (gone.length > 0) {
    lines.push('', 'Applied migrations whose file is gone:');
    for (const e of gone) {
      lines.push(`  - ${e.id}  (MISSING: applied ${e.appliedAt}, batch ${e.batch})`);
    }
  }
  const changed = applied.filter((m) => m.changedSinceApplied);
  if (changed.length > 0 || gone.length > 0) {
    lines.push('');
    if (changed.length > 0) {
      lines.push(
        `Warning: ${changed.length} applied migration file${changed.length === 1 ? ' has' : 's have'} changed since ${changed.length === 1 ? 'it' : 'they'} ran. ` +
          'Editing an applied migration does not run it again; restore the file and write a new migration instead.',
      );
    }
    if (gone.length > 0) {
      lines.push(
        `Warning: ${gone.length} applied migration${gone.length === 1 ? ' has' : 's have'} no file any more. ` +
          'Restore the file from version control, or it cannot be rolled back.',
      );
    }
  }
  return lines.join('\n');
}

function details(m: MigrationStatusEntry): string[] {
  const lines: string[] = [];
  if (m.description) lines.push(`      description: ${m.description}`);
  lines.push(`      source: ${m.source}`);
  if (m.dependencies.length > 0) lines.push(`      depends on: ${m.dependencies.join(', ')}`);
  if (m.applied) lines.push(`      applied: ${m.appliedAt} (batch ${m.batch}, took ${m.durationMs} ms)`);
  return lines;
}
