import { fileURLToPath } from "node:url";

/**
 * What the sandbox needs to know about one language. The harness (a script in the language's own
 * runtime) does the per-test work inside the sandbox; see the harness files for the protocol.
 * Adding a language is one file like python.ts plus its harness.
 */
export interface LanguageRunner {
  /** Name used in specs and references (`language: python`). */
  readonly language: string;
  /** Info strings of fenced code blocks that hold this language (lower case). */
  readonly fenceTags: readonly string[];
  /** Harness file on the host; bound read-only at `harnessPath` inside the sandbox. */
  readonly harnessFile: string;
  readonly harnessPath: string;
  /** Host files (other than the system's /usr) the sandbox must see: host path -> sandbox path. */
  readonly binds: ReadonlyArray<{ host: string; sandbox: string }>;
  /** argv starting the harness inside the sandbox. */
  readonly sandboxCommand: readonly string[];
  /** argv starting the harness on the host (only with unsafe_no_sandbox). */
  readonly hostCommand: readonly string[];
  /** The harness runs as PID 1 of the sandbox (it reaps orphans itself) instead of under bwrap's reaper. */
  readonly harnessIsInit: boolean;
}

export function harnessFile(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}
