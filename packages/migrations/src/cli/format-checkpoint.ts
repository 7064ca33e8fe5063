import type { Checkpoint } from '../batch/checkpoint';

/** A checkpoint as `om migrate-data progress` prints it. */
export function formatCheckpoint(c: Checkpoint): string {
  const k = c.counters;
  const lines = [
    `${c.name}${c.done ? ' (done; cleared when its migration completes)' : ''}`,
    `  ${c.type} keys ${c.match}, started ${c.startedAt}, saved ${c.updatedAt}`,
    `  ${k.keys} keys in ${k.batches} batches: ${k.converted} converted, ${k.unchanged} unchanged, ${k.missing} missing, ` +
      `${k.failed} failed (${k.defaulted} defaulted), ${k.conflicts} changed by the app meanwhile`,
    `  cursor: ${c.nodes.map((n) => `${n.node} ${n.done ? 'done' : n.cursor}`).join(', ')}`,
  ];
  if (c.lastError) {
    lines.push(`  last error: ${c.lastError.key} ${c.lastError.field} = ${JSON.stringify(c.lastError.value)}: ${c.lastError.reason} (${c.lastError.at})`);
  }
  return lines.join('\n');
}
