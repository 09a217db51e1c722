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
