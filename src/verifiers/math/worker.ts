/**
 * Worker-thread entry of the math pool. Scores chunks of pairs and publishes the index of the
 * pair in progress in shared memory, so the parent can tell which pair is stuck and kill us.
 */
import { parentPort, workerData } from "node:worker_threads";
import { scoreMath } from "./engine.ts";
import type { ChunkMessage, WorkerInit } from "./pool.ts";

const { progress, options } = workerData as WorkerInit;
const current = new Int32Array(progress);

parentPort!.on("message", (msg: ChunkMessage) => {
  const results = new Array(msg.pairs.length);
  for (let i = 0; i < msg.pairs.length; i++) {
    Atomics.store(current, 0, i);
    Atomics.add(current, 1, 1);
    const [completion, reference] = msg.pairs[i];
    results[i] = scoreMath(completion, reference, options);
  }
  parentPort!.postMessage({ chunk: msg.chunk, results });
});
parentPort!.postMessage({ ready: true });
