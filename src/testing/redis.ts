import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A throw-away `redis-server` on a free loopback port, for tests and benchmarks (nothing is persisted). */
export interface TestRedis {
  /** e.g. redis://127.0.0.1:41234/0 */
  url: string;
  port: number;
  process: ChildProcess;
  close(): Promise<void>;
}

/** A port nothing listens on right now (the kernel's pick; released before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start `redis-server` (the Debian package `redis-server`; `.ci/run` installs it) on a free
 * loopback port with persistence off, and wait until it accepts connections.
 */
export async function startTestRedis(options: { binary?: string; timeoutMs?: number } = {}): Promise<TestRedis> {
  const binary = options.binary ?? process.env.REDIS_SERVER ?? "redis-server";
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "notice"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    const ready = await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`redis-server did not start within ${options.timeoutMs ?? 10_000} ms: ${log}`));
      }, options.timeoutMs ?? 10_000);
      const onData = (d: Buffer) => {
        log += d.toString();
        if (/ready to accept connections/i.test(log)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("error", (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${binary} (install the redis-server package): ${err.message}`));
      });
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(false); // the port was taken in the meantime: try another
      });
    });
    if (!ready) {
      if (attempt < 3) continue;
      throw new Error(`redis-server exited at start: ${log}`);
    }
    child.stdout!.resume();
    child.stderr!.resume();
    return {
      url: `redis://127.0.0.1:${port}/0`,
      port,
      process: child,
      close: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    };
  }
}
