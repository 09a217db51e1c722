import { errorMessage } from "../core/errors.ts";
import type { Spec } from "../spec/spec.ts";
import { StreamIoError } from "../pipeline/stream.ts";
import { Scorer } from "../pipeline/scorer.ts";
import { type AppExtras, buildApp, type RewardApp } from "./app.ts";
import type { ServerOptions } from "./options.ts";

export interface RunningServer extends RewardApp {
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  /** Stop accepting, answer every request already accepted, release the scorer. */
  close(): Promise<void>;
}

/** Build a scorer and app for `spec` and listen. Does not install signal handlers (see serveUntilSignal). */
export async function startServer(spec: Spec, options: ServerOptions, extras: AppExtras = {}): Promise<RunningServer> {
  const scorer = new Scorer(spec);
  const built = buildApp(scorer, options, extras);
  try {
    await built.app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await scorer.close();
    // A port in use or not allowed is the user's to fix: one line, not an "unexpected failure" stack.
    if (typeof (err as NodeJS.ErrnoException).syscall === "string") throw new StreamIoError(`cannot listen on ${options.host}:${options.port}: ${errorMessage(err)}`);
    throw err;
  }
  const address = built.app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    ...built,
    url: `http://${host}:${port}`,
    close: () =>
      (closing ??= (async () => {
        try {
          await built.app.close();
        } finally {
          await scorer.close();
        }
      })()),
  };
}

/**
 * Serve until SIGTERM or SIGINT, then shut down gracefully: stop accepting connections, finish
 * every accepted request (new requests on open connections get 503), exit. Resolves with the exit
 * status; a shutdown that outlives `shutdownTimeoutMs` exits the process with status 1.
 */
export function serveUntilSignal(server: RunningServer, options: ServerOptions): Promise<number> {
  const log = server.app.log;
  return new Promise((resolve) => {
    const stop = async (signal: string) => {
      const drainMs = options.drainMs ?? 0;
      if (drainMs > 0) {
        // Not ready from now on: the balancer stops routing here while accepted work still gets answers.
        server.drain();
        log.info({ signal, drain_ms: drainMs }, "draining: /ready answers 503, requests are still served");
        await new Promise((r) => setTimeout(r, drainMs));
      }
      log.info({ signal, in_flight: server.service.admission.active }, "shutting down: finishing accepted requests");
      const tooLong = setTimeout(() => {
        log.error({ timeout_ms: options.shutdownTimeoutMs }, "shutdown took too long; exiting with requests unanswered");
        process.exit(1);
      }, options.shutdownTimeoutMs).unref();
      server.close().then(
        () => {
          clearTimeout(tooLong);
          log.info("stopped");
          resolve(0);
        },
        (err: unknown) => {
          clearTimeout(tooLong);
          log.error({ err }, "shutdown failed");
          resolve(1);
        },
      );
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
  });
}
