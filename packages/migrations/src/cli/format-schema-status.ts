import { formatClassified } from '../schema/classify';
import type { SchemaMigrationStatus } from '../schema/status';

/**
 * Renders `om migrate status`. Pure. `createCommand` is what the hint tells the user to run to
 * snapshot model changes (under Nx, the generator command for the project).
 */
export function formatSchemaStatus(status: SchemaMigrationStatus, options: { createCommand?: string } = {}): string {
  const lines = [
    'Schema migration status:',
    `  Total migrations: ${status.totalMigrations}`,
    `  Applied: ${status.appliedCount}`,
    `  Pending: ${status.pendingCount}`,
  ];
  for (const [title, applied] of [['Pending', false], ['Applied', true]] as const) {
    const list = status.migrations.filter((m) => m.applied === applied);
    if (list.length === 0) continue;
    lines.push('', `${title} migrations:`);
    for (const m of list) {
      const when = m.appliedAt ? ` (applied ${m.appliedAt}, batch ${m.batch})` : '';
      lines.push(`  - ${m.id}: ${m.indexes.join(', ')}${when}${m.changedSinceApplied ? ' (file changed since applied)' : ''}`);
      if (!applied) lines.push(...formatClassified(m.classified, '      '));
    }
  }
  if (status.modelChanges && status.modelChanges.length > 0) {
    lines.push('', `Changed in the models since the latest schema migration (run \`${options.createCommand ?? 'om migrate create <name>'}\`):`);
    for (const c of status.modelChanges) lines.push(`  - ${c.kind} ${c.indexName}`);
    lines.push(...formatClassified(status.modelChangesClassified ?? [], '      '));
  }
  if (status.missing.length > 0) {
    lines.push('', `Applied but without a file: ${status.missing.map((e) => e.id).join(', ')}`);
  }
  return lines.join('\n');
}
