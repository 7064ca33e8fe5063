import type { RedisClient } from '../redis/client';
import { scanNodes } from '../redis/nodes';
import { ServerIdentity, shortRunId } from '../redis/server-identity';
import type { ScanTransformResult } from './types';

/** A server a completed scan ran on that another process answers for now. */
export interface ChangedServer {
  /** The scan's name. */
  readonly scan: string;
  /** `host:port`. */
  readonly node: string;
  /** What changed, for messages: "run_id 1a2b3c4d, was 5e6f7a8b". */
  readonly change: string;
}

/**
 * The servers of completed scans (`results`) on which another process than the one each scan
 * completed on answers now (a restart, a reload, a failover since): what the scan wrote there
 * may not have survived. A master no longer among the masters counts as changed too; a server
 * whose run_id is unknown is not counted.
 */
export async function changedServers(redis: RedisClient, results: readonly ScanTransformResult[]): Promise<ChangedServer[]> {
  if (results.length === 0) return [];
  const nodes = new Map((await scanNodes(redis)).map((n) => [n.id, n]));
  const changed: ChangedServer[] = [];
  for (const result of results) {
    for (const server of result.servers) {
      // A server that does not tell its run_id (INFO refused) cannot be compared; its scan
      // already walked it again after every reconnect.
      if (server.runId === undefined) continue;
      const node = nodes.get(server.node);
      const now = node ? await ServerIdentity.of(node.client).runId() : undefined;
      if (node && now !== undefined && now === server.runId) continue;
      changed.push({
        scan: result.name,
        node: server.node,
        change: node ? `run_id ${shortRunId(now)}, was ${shortRunId(server.runId)}` : 'no longer a master',
      });
    }
  }
  return changed;
}
