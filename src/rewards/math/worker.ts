/** Worker-thread entry of the math pool (see pool.ts). */
import { scoreMath } from "./engine.ts";
import { serveChunks } from "./serve.ts";

serveChunks(scoreMath);
