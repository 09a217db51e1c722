import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageRunner } from "./languages/runner.ts";

/** Limits of one program's run; the harness applies them to each test's process. */
export interface Limits {
  /** Wall-clock and CPU seconds per test. */
  timeout_s: number;
  /** Address space per test process (MiB). */
  memory_mb: number;
  /** Bytes of stdout (and of any file) a test may write. */
  output_bytes: number;
  /** Processes and threads alive at once in the sandbox. */
  nproc: number;
  /** Open file descriptors per process. */
  nofile: number;
}

/** The job handed to a harness on stdin (see the harness files). */
export interface HarnessJob extends Limits {
  mode: "stdio" | "cases" | "test_code";
  code: string;
  entry_point?: string;
  units: Array<{ stdin?: string; args?: unknown[]; kwargs?: Record<string, unknown>; test_code?: string }>;
}

/** What the harness says about one test. */
export interface HarnessReport {
  i: number;
  end: "exit" | "signal" | "timeout";
  code?: number;
  signal?: string;
  stdout?: string;
  stderr: string;
  result?: { value?: unknown; exception?: string; message?: string; completed?: boolean; timeout?: boolean } | null;
}

export interface JobRun {
  reports: HarnessReport[];
  /** The sandbox was killed by the host: its total time ran out, or it wrote more than any honest harness would. */
  killed?: "time" | "output";
  /** bwrap's or the harness's own stderr (the tail), for failures of the sandbox itself. */
  stderr: string;
  exitCode: number | null;
}

/** When the host runs as root, the sandbox runs as nobody: rlimits on processes do not bind root. */
const NOBODY = 65534;

/**
 * bubblewrap command line for a runner: new user, PID, network, IPC and UTS namespaces; the system's
 * /usr read-only (plus the runner's own binds); a private size-capped tmpfs as the only writable
 * place; no host /etc, /home or /proc of the host; killed with its parent.
 */
export function bwrapArgs(runner: LanguageRunner, limits: Limits): string[] {
  const args = [
    "--unshare-user", "--uid", "1000", "--gid", "1000",
    "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
    "--disable-userns", "--die-with-parent", "--new-session",
    "--hostname", "sandbox",
    "--ro-bind", "/usr", "/usr",
  ];
  for (const dir of ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]) {
    if (!existsSync(dir)) continue;
    // Merged-/usr systems link these into /usr; others keep real directories.
    if (lstatSync(dir).isSymbolicLink()) args.push("--symlink", `usr${dir}`, dir);
    else args.push("--ro-bind", dir, dir);
  }
  const tmpfsBytes = 64 * 1024 * 1024 + 4 * limits.output_bytes;
  args.push("--proc", "/proc", "--dev", "/dev", "--size", String(tmpfsBytes), "--tmpfs", "/tmp");
  args.push("--ro-bind", runner.harnessFile, runner.harnessPath);
  for (const b of runner.binds) args.push("--ro-bind", b.host, b.sandbox);
  args.push("--chdir", "/tmp", "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8");
  if (runner.harnessIsInit) args.push("--as-pid-1");
  args.push("--", ...runner.sandboxCommand);
  return args;
}

function dropRoot(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
}

const probed = new Map<string, string | null>();

/**
 * Check once per process and runner that bubblewrap can start this runner's sandbox here.
 * Returns null when it can, else why not (missing bwrap, no user namespaces ...).
 */
export function probeSandbox(runner: LanguageRunner): string | null {
  const key = runner.sandboxCommand.join(" ");
  if (probed.has(key)) return probed.get(key)!;
  const limits: Limits = { timeout_s: 5, memory_mb: 256, output_bytes: 1024, nproc: 16, nofile: 64 };
  const args = bwrapArgs(runner, limits);
  // Replace the harness with the interpreter's version check: same binds, same namespaces.
  const at = args.indexOf("--");
  const probe = [...args.slice(0, at + 1), runner.sandboxCommand[0], "--version"];
  const r = spawnSync("bwrap", probe, { encoding: "utf8", timeout: 20_000, ...dropRoot() });
  let problem: string | null = null;
  if (r.error) {
    problem = (r.error as NodeJS.ErrnoException).code === "ENOENT"
      ? "bubblewrap (bwrap) is not installed; install the Debian/Ubuntu package `bubblewrap`"
      : `bubblewrap could not be started: ${r.error.message}`;
  } else if (r.status !== 0) {
    const why = (r.stderr || r.stdout || `exit status ${r.status}`).trim().split("\n").slice(-3).join(" ");
    problem = `bubblewrap cannot create the sandbox here (${why}); it needs unprivileged user namespaces ` +
      "(sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces > 0, or an AppArmor profile allowing bwrap)";
  }
  probed.set(key, problem);
  return problem;
}

/**
 * Run one job: the harness inside a fresh sandbox (or on the host when `sandboxed` is false), the job
 * on its stdin, one report per test read from its stdout. The whole run is killed when it exceeds
 * `budgetMs` or writes more than `maxOutputBytes`.
 */
export function runJob(runner: LanguageRunner, job: HarnessJob, options: { sandboxed: boolean; budgetMs: number; maxOutputBytes: number }): Promise<JobRun> {
  let command: string;
  let args: string[];
  let workDir: string | undefined;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };
  if (options.sandboxed) {
    command = "bwrap";
    args = bwrapArgs(runner, job);
  } else {
    workDir = mkdtempSync(join(tmpdir(), "rewardsmith-code-"));
    env.RS_WORK = workDir;
    [command, ...args] = runner.hostCommand;
  }
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], env, ...(options.sandboxed ? dropRoot() : {}) });
    let out = "";
    let outBytes = 0;
    let err = "";
    let killed: JobRun["killed"];
    const kill = (why: "time" | "output") => {
      killed ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => kill("time"), options.budgetMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      outBytes += Buffer.byteLength(d);
      if (outBytes > options.maxOutputBytes) return kill("output");
      out += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err = (err + d).slice(-4000);
    });
    child.stdin.on("error", () => {}); // the sandbox may end before reading everything
    child.stdin.end(JSON.stringify(job));
    let finished = false;
    const finish = (exitCode: number | null, startError?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (workDir) rmSync(workDir, { recursive: true, force: true });
      const reports: HarnessReport[] = [];
      for (const line of out.split("\n")) {
        if (line === "") continue;
        try {
          reports.push(JSON.parse(line) as HarnessReport);
        } catch {
          // a line cut by the output cap; its test counts as not reported
        }
      }
      resolve({ reports, killed, stderr: startError ? startError.message : err, exitCode });
    };
    child.on("error", (e) => finish(null, e));
    child.on("close", (code) => finish(code));
  });
}
