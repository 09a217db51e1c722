import { parentPort, workerData } from "node:worker_threads";
import type { RewardResult } from "../../core/types.ts";
import type { MathOptions } from "./engine.ts";
import type { ChunkMessage, WorkerInit } from "./pool.ts";

export type PairScorer = (completion: string, reference: string | readonly string[] | undefined, options: MathOptions) => RewardResult;

/**
 * The worker side of the math pool: score each chunk of pairs with `score`, publishing the index
 * of the pair in progress (and a heartbeat) in shared memory so the parent can spot a stuck pair.
 */
export function serveChunks(score: PairScorer): void {
  const { progress, options } = workerData as WorkerInit;
  const current = new Int32Array(progress);
  parentPort!.on("message", (msg: ChunkMessage) => {
    const results = new Array<RewardResult>(msg.pairs.length);
    for (let i = 0; i < msg.pairs.length; i++) {
      Atomics.store(current, 0, i);
      Atomics.add(current, 1, 1);
      const [completion, reference] = msg.pairs[i];
      results[i] = score(completion, reference, options);
    }
    parentPort!.postMessage({ chunk: msg.chunk, results });
  });
  parentPort!.postMessage({ ready: true });
}
