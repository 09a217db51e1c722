import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, chmodSync, constants, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, renameSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Limits } from "./limits.ts";
import type { LanguageRunner } from "./languages/runner.ts";

const SHM_BYTES = 16 * 1024 * 1024;

/** When the host runs as root, the sandbox runs as nobody: rlimits on processes do not bind root. */
const NOBODY = 65534;

/**
 * bubblewrap command line for a runner: new user, PID, network, IPC and UTS namespaces; the system's
 * /usr read-only (plus the runner's own binds); private size-capped tmpfs mounts at /tmp and
 * /dev/shm as the only writable places; no host /etc, /home or /proc of the host; killed with its parent.
 */
export function bwrapArgs(runner: LanguageRunner, limits: Limits): string[] {
  const args = [
    "--unshare-user", "--uid", "1000", "--gid", "1000",
    "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
    "--die-with-parent", "--new-session",
    "--hostname", "sandbox",
    "--ro-bind", "/usr", "/usr",
  ];
  const features = bwrapFeatures();
  // bubblewrap < 0.8 (e.g. Ubuntu 22.04) lacks these two; the rlimits still bound what they guard.
  if (features.has("--disable-userns")) args.push("--disable-userns");
  for (const dir of ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]) {
    if (!existsSync(dir)) continue;
    // Merged-/usr systems link these into /usr; others keep real directories.
    if (lstatSync(dir).isSymbolicLink()) args.push("--symlink", `usr${dir}`, dir);
    else args.push("--ro-bind", dir, dir);
  }
  const tmpfsBytes = 64 * 1024 * 1024 + 4 * limits.output_bytes;
  args.push("--proc", "/proc", "--dev", "/dev");
  if (features.has("--size")) args.push("--size", String(SHM_BYTES));
  args.push("--tmpfs", "/dev/shm");
  if (features.has("--size")) args.push("--size", String(tmpfsBytes));
  args.push("--tmpfs", "/tmp");
  args.push("--ro-bind", visibleToSandbox(runner.harnessFile), runner.harnessPath);
  for (const b of runner.binds) args.push("--ro-bind", visibleToSandbox(b.host), b.sandbox);
  args.push("--chdir", "/tmp", "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8");
  // bwrap's root and /dev are tmpfs mounts without a size cap: make them read-only, so /tmp and
  // /dev/shm (for POSIX semaphores) are the only writable places.
  args.push("--remount-ro", "/dev", "--remount-ro", "/");
  if (runner.harnessIsInit) args.push("--as-pid-1");
  args.push("--", ...runner.sandboxCommand);
  return args;
}

/** Every directory above the file is searchable and the file readable by anyone (so by nobody). */
function worldReadable(path: string): boolean {
  const st = statSync(path);
  if ((st.mode & 0o004) === 0) return false;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

const shared = new Map<string, string>();

/**
 * A path to `file` that bwrap can bind when it runs as nobody: the file itself when anyone can reach
 * it, else a hard link (or copy) in a world-readable directory under the system temp dir. Only root
 * (whose files may sit in a private home) needs this.
 */
function visibleToSandbox(file: string): string {
  if (process.getuid?.() !== 0) return file;
  const known = shared.get(file);
  if (known) return known;
  const path = resolve(file);
  let out = path;
  if (!worldReadable(path)) {
    const st = statSync(path);
    const dir = join(tmpdir(), "rewardsmith-sandbox-files");
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    const tag = createHash("sha256").update(`${path}:${st.size}:${st.mtimeMs}`).digest("hex").slice(0, 16);
    out = join(dir, `${tag}-${path.split("/").at(-1)}`);
    if (!existsSync(out)) {
      const partial = `${out}.${process.pid}.partial`;
      try {
        // A link shares the file's mode, so only a file anyone may read is linked; others are copied.
        if ((st.mode & 0o004) === 0) throw new Error("not readable by others");
        linkSync(path, partial);
      } catch {
        copyFileSync(path, partial);
        chmodSync(partial, 0o755);
      }
      renameSync(partial, out);
    }
  }
  shared.set(file, out);
  return out;
}

export function dropRoot(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
}

let bwrapPath: string | undefined | null = null;

/** The bwrap binary found on PATH (looked up as the current user; the sandbox may run as nobody). */
export function findBwrap(): string | undefined {
  if (bwrapPath !== null) return bwrapPath;
  bwrapPath = undefined;
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir === "") continue;
    const candidate = join(dir, "bwrap");
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return (bwrapPath = candidate);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

let knownFeatures: Set<string> | undefined;

/** The optional bwrap flags this bwrap knows (from its --help). */
function bwrapFeatures(): Set<string> {
  if (knownFeatures) return knownFeatures;
  const bwrap = findBwrap();
  const help = bwrap ? spawnSync(bwrap, ["--help"], { encoding: "utf8", timeout: 10_000 }) : undefined;
  const text = `${help?.stdout ?? ""}${help?.stderr ?? ""}`;
  knownFeatures = new Set(["--disable-userns", "--size"].filter((flag) => text.includes(flag)));
  return knownFeatures;
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
  const bwrap = findBwrap();
  if (!bwrap) {
    const problem = "bubblewrap (bwrap) is not installed (not found on PATH); install the Debian/Ubuntu package `bubblewrap`";
    probed.set(key, problem);
    return problem;
  }
  const r = spawnSync(bwrap, probe, { encoding: "utf8", timeout: 20_000, ...dropRoot() });
  let problem: string | null = null;
  if (r.error) {
    problem = `bubblewrap (${bwrap}) could not be started: ${r.error.message}`;
  } else if (r.status !== 0) {
    const why = (r.stderr || r.stdout || `exit status ${r.status}`).trim().split("\n").slice(-3).join(" ");
    problem = `bubblewrap cannot create the sandbox here (${why}); it needs unprivileged user namespaces ` +
      "(sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces > 0, or an AppArmor profile allowing bwrap)";
  }
  probed.set(key, problem);
  return problem;
}
