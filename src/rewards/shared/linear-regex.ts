import { setFlagsFromString } from "node:v8";

// A hostile completion must not make a spec author's pattern backtrack for minutes (`a+b` over
// 2 MB of "a" does). V8 can move a pattern to its linear-time automaton engine once one match
// attempt backtracks too much; we enable that and lower the threshold from V8's default so the
// switch happens within milliseconds. Ordinary inputs never reach it, so matching stays on the
// fast backtracking engine. These are process-wide switches: they change how long a regex may
// take, never what it matches. Patterns the linear engine cannot run (backreferences, lookaround,
// the i and u flags) keep plain backtracking.
setFlagsFromString("--enable-experimental-regexp-engine");
setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");
setFlagsFromString("--regexp-backtracks-before-fallback=1000");

/** Why a pattern cannot fall back to linear time, or undefined when it can. */
export function linearRefusal(source: string, flags: string): string | undefined {
  try {
    new RegExp(source, `${flags}l`);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
