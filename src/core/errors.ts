/** Typed errors. Each carries what a CLI needs to choose an exit code and a message. */

export class RewardsmithError extends Error {
  override name = "RewardsmithError";
}

/** A spec that cannot be used: names the file, the path inside the spec, what was expected and found. */
export class SpecError extends RewardsmithError {
  override name = "SpecError";
  readonly file: string | undefined;
  readonly issues: SpecIssue[];
  constructor(file: string | undefined, issues: SpecIssue[]) {
    super(formatSpecIssues(file, issues));
    this.file = file;
    this.issues = issues;
  }
}

export interface SpecIssue {
  /** Dotted path inside the spec, e.g. `rewards.format.pattern`; empty for the document itself. */
  path: string;
  message: string;
}

function formatSpecIssues(file: string | undefined, issues: SpecIssue[]): string {
  const where = file ?? "<spec>";
  const lines = issues.map((i) => `  ${i.path || "(top level)"}: ${i.message}`);
  return `invalid spec ${where}:\n${lines.join("\n")}`;
}

/** A command line that cannot be run (unknown flag, missing argument). */
export class UsageError extends RewardsmithError {
  override name = "UsageError";
}

/** A feature the spec asks for that this version does not provide yet. */
export class NotSupportedError extends RewardsmithError {
  override name = "NotSupportedError";
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
