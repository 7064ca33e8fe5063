import { CheckpointSaver, type Checkpoint, type CheckpointStore } from './checkpoint';
import { emptyCounters } from './types';

/** A store whose saves take a tick each and record what they saved, and how many ran at once. */
function slowStore() {
  const saved: string[][] = [];
  let running = 0;
  let most = 0;
  const store = {
    save: async (c: Checkpoint) => {
      const cursors = c.nodes.map((n) => n.cursor);
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 1));
      running -= 1;
      saved.push(cursors);
    },
  } as unknown as CheckpointStore;
  return { store, saved, most: () => most };
}

describe('CheckpointSaver (one checkpoint moved by the walkers of several masters)', () => {
  it('sends one save at a time, in order, and the last one holds every walker’s progress', async () => {
    const scan: Checkpoint = {
      version: 1, name: 's', match: 'K:*', type: 'hash', startedAt: '', updatedAt: '', done: false, counters: emptyCounters(),
      nodes: ['a', 'b', 'c'].map((node) => ({ node, cursor: '0', done: false })),
    };
    const { store, saved, most } = slowStore();
    const saver = new CheckpointSaver(store, () => structuredClone(scan));
    const saves: Promise<void>[] = [];
    // Three walkers moving their cursors and saving, interleaved as the event loop runs them.
    for (let step = 1; step <= 5; step++) {
      for (const entry of scan.nodes) {
        entry.cursor = `${step}`;
        saves.push(saver.save());
      }
    }
    await Promise.all(saves);
    expect(most()).toBe(1);
    expect(saved.at(-1)).toEqual(['5', '5', '5']);
    // Saves asked for while one was waiting were folded into it: fewer sends than asks.
    expect(saved.length).toBeLessThan(15);
    // Never a save with less progress than the one before.
    for (let i = 1; i < saved.length; i++) saved[i]!.forEach((cursor, n) => expect(Number(cursor)).toBeGreaterThanOrEqual(Number(saved[i - 1]![n])));
  });
});
