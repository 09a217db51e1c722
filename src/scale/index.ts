/** Scale-out: distributed batch scoring on a BullMQ queue (coordinator and chunk workers). */
export { scoreQueued, type QueuedScoreOptions, type QueuedProgress, type QueuedSummary } from "./coordinator.ts";
export { startChunkWorker, type ChunkWorker, type ChunkWorkerOptions } from "./worker.ts";
export { chunkLines, readInputLines, MAX_GROUP_LINES, type Chunk, type InputLine } from "./chunks.ts";
export { queueName, specHash, redisConnection, chunkJobId, QUEUE_PREFIX, type ChunkJobData } from "./queue.ts";
