import type { EvalFormat } from "../types.ts";
import { readBestOf4 } from "./best-of-4.ts";
import type { Reader } from "./common.ts";
import { readJudgeBench } from "./judgebench.ts";
import { readPairwise } from "./pairwise.ts";
import { readPointwise } from "./pointwise.ts";
import { processBenchReader } from "./processbench.ts";
import { readRmBench } from "./rm-bench.ts";

export { detectFormat } from "./detect.ts";
export type { Reader } from "./common.ts";

export interface ReaderOptions {
  /** processbench: one candidate per prefix of steps (a scalar reward's score of a prefix is that step's score). */
  prefixes?: boolean;
}

export function readerFor(format: EvalFormat, o: ReaderOptions = {}): Reader {
  switch (format) {
    case "pairwise":
      return readPairwise;
    case "best_of_4":
      return readBestOf4;
    case "rm_bench":
      return readRmBench;
    case "judgebench":
      return readJudgeBench;
    case "processbench":
      return processBenchReader(o.prefixes === true);
    case "pointwise":
      return readPointwise;
  }
}
