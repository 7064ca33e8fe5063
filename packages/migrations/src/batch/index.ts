/** Batched scan-transform-write: the machinery of long data migrations. */
export { scanTransform, DEFAULT_BATCH_SIZE } from './scan-transform';
export { CheckpointStore, type Checkpoint } from './checkpoint';
export { BatchStoppedError } from './errors';
export { parseJsonPathReply } from './read-values';
export * from './types';
