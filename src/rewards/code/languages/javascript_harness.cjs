"use strict";
// rewardsmith's JavaScript harness. Runs inside the sandbox: reads one JSON job on stdin, runs the
// program's tests in child Node processes under rlimits (via prlimit), writes one JSON line per test
// ("unit") on stdout. Function cases all run in one child, each in a fresh vm context with its own
// timeout; when that child dies mid-way, the failing case is reported and a new child resumes after it.
// Expected outputs never enter the sandbox; the host compares.
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { spawnSync } = require("node:child_process");

// bwrap's reaper is PID 1 of the sandbox's PID namespace and this harness PID 2; outside a sandbox
// neither number is possible for a Node process, so kill(-1) below can only reach the sandbox.
const IN_SANDBOX = process.pid <= 2;
// Children (`run`) start in the work directory.
const WORK = IN_SANDBOX ? "/tmp" : process.argv[2] === "run" ? process.cwd() : process.env.RS_WORK;
const STDERR_TAIL = 2000;
const WRITABLE = IN_SANDBOX ? [WORK, "/dev/shm"] : [WORK];

if (process.argv[2] === "run") {
  // Once everything is reported, a timer or server the program left must not hold the child until the time limit.
  runChild(Number(process.argv[3])).then(() => process.exit(0));
} else main();

function main() {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  job.modes = WRITABLE.map((place) => fs.statSync(place).mode & 0o7777);
  if (job.mode === "cases") return runCases(job);
  job.units.forEach((unit, i) => {
    const r = job.mode === "stdio"
      ? spawnUnit(job, [path.join(WORK, "solution.js")], unit.stdin, job.timeout_s)
      : spawnUnit(job, [__filename, "run", String(i)], "", job.timeout_s);
    const report = endOf(r);
    report.i = i;
    if (job.mode === "stdio") report.stdout = text(r.stdout).slice(0, job.output_bytes);
    const lines = parseLines(r.output[3]);
    if (lines.length > 0) report.result = lines[lines.length - 1];
    emit(report);
  });
}

function runCases(job) {
  let start = 0;
  while (start < job.units.length) {
    const remaining = job.units.length - start;
    const r = spawnUnit(job, [__filename, "run", String(start)], "", job.timeout_s * remaining + 1);
    const seen = new Map();
    for (const line of parseLines(r.output[3])) if (Number.isInteger(line.k)) seen.set(line.k, line);
    let k = start;
    for (; k < job.units.length && seen.has(k); k++) {
      const line = seen.get(k);
      emit({ i: k, ...(line.timeout ? { end: "timeout" } : { end: "exit", code: 0 }), stderr: "", result: line });
    }
    if (k < job.units.length) emit({ i: k, ...endOf(r) });
    start = k + 1;
  }
}

function spawnUnit(job, args, input, timeoutS) {
  // Written for each unit: the previous one may have changed them. A stdin/stdout program runs
  // alone and gets its input on a pipe: the job (every test's input) would only fill the tmpfs.
  fs.writeFileSync(path.join(WORK, "solution.js"), job.code);
  if (job.mode !== "stdio") fs.writeFileSync(path.join(WORK, "job.json"), JSON.stringify(job));
  const limits = [
    `--cpu=${Math.ceil(timeoutS) + 1}`,
    // V8 reserves far more address space than it uses; the heap itself is capped by --max-old-space-size.
    `--as=${(job.memory_mb + 2048) * 1024 * 1024}`,
    `--fsize=${job.output_bytes + 1}`,
    `--nofile=${job.nofile}`,
    "--core=0",
  ];
  if (IN_SANDBOX) limits.push(`--nproc=${job.nproc}`);
  const r = spawnSync("prlimit", [...limits, "--", process.execPath, `--max-old-space-size=${job.memory_mb}`, "--stack-size=2048", ...args], {
    cwd: WORK,
    input,
    timeout: Math.round(timeoutS * 1000),
    killSignal: "SIGKILL",
    maxBuffer: job.output_bytes,
    stdio: ["pipe", "pipe", "pipe", "pipe"],
    detached: !IN_SANDBOX, // its own process group, so leftovers can be killed on the host
    env: { PATH: process.env.PATH, HOME: WORK, LANG: "C.UTF-8" },
  });
  if (r.error && r.error.code === "ENOENT") throw r.error; // no prlimit: a harness failure, not the program's
  try {
    // Whatever the unit left behind: in the sandbox every process but PID 1 and this one; on the
    // host (unsafe mode) the unit's process group.
    if (IN_SANDBOX) process.kill(-1, "SIGKILL");
    else if (r.pid) process.kill(-r.pid, "SIGKILL");
  } catch {}
  cleanWork(job.modes);
  return r;
}

/** Remove what the unit left in the writable places, so it cannot fill them for the next one. */
function cleanWork(modes) {
  WRITABLE.forEach((place, i) => fs.chmodSync(place, modes[i])); // the unit may have made it unreadable
  for (const place of WRITABLE) {
    for (const name of fs.readdirSync(place)) {
      try {
        fs.rmSync(path.join(place, name), { recursive: true, force: true });
      } catch {}
    }
  }
}

function endOf(r) {
  const stderr = text(r.stderr);
  const base = { stderr: stderr.slice(-STDERR_TAIL) };
  if (r.error && r.error.code === "ETIMEDOUT") return { end: "timeout", ...base };
  if (r.error && r.error.code === "ENOBUFS") return { end: "signal", signal: "SIGXFSZ", ...base };
  if (r.signal) return { end: "signal", signal: r.signal, ...base };
  return { end: "exit", code: r.status ?? 1, ...base };
}

function text(buffer) {
  return buffer ? buffer.toString("utf8") : "";
}

function parseLines(buffer) {
  const out = [];
  for (const line of text(buffer).split("\n")) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line));
    } catch {}
  }
  return out;
}

function emit(report) {
  let line;
  try {
    line = JSON.stringify(report);
  } catch {
    line = JSON.stringify({ ...report, result: null }); // a result the child nested too deeply to write again
  }
  fs.writeSync(1, line + "\n");
}

// --- child: runs model code; reports on fd 3 ---

async function runChild(index) {
  const job = JSON.parse(fs.readFileSync(path.join(WORK, "job.json"), "utf8"));
  const code = fs.readFileSync(path.join(WORK, "solution.js"), "utf8");
  const timeout = Math.max(1, Math.round(job.timeout_s * 1000));
  if (job.mode === "test_code") {
    const ctx = programContext();
    try {
      run(code, "solution.js", ctx, timeout);
      run(job.units[index].test_code, "test.js", ctx, timeout);
      const check = run("typeof check === 'function' ? check : undefined", "harness", ctx, timeout);
      if (check && job.entry_point) await settled(check(entryOf(ctx, job.entry_point)), timeout);
      report({ completed: true });
    } catch (e) {
      report(failure(e));
    }
    return;
  }
  for (let k = index; k < job.units.length; k++) {
    const ctx = programContext();
    try {
      run(code, "solution.js", ctx, timeout);
      const fn = entryOf(ctx, job.entry_point);
      if (typeof fn !== "function") throw new ReferenceError(`the program defines no function ${job.entry_point}`);
      ctx.__rs_fn = fn;
      ctx.__rs_args = JSON.stringify(job.units[k].args);
      ctx.__rs_value = await settled(run("__rs_fn(...JSON.parse(__rs_args))", "harness", ctx, timeout), timeout);
      // undefined is null, as in an array; a function or symbol leaves no value.
      const value = JSON.parse(run("JSON.stringify({ value: __rs_value ?? null })", "harness", ctx, timeout));
      if (!("value" in value)) throw new TypeError("the return value cannot be written as JSON");
      report(value, k);
    } catch (e) {
      report(failure(e), k);
    }
  }
}

/** An async function's value once its promise settles; the vm timeout covers only synchronous code, so the wait has its own. */
async function settled(value, timeout) {
  if (value === null || (typeof value !== "object" && typeof value !== "function") || typeof value.then !== "function") return value;
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("timed out"), { code: "ERR_SCRIPT_EXECUTION_TIMEOUT" })), timeout);
  });
  try {
    return await Promise.race([Promise.resolve(value), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function programContext() {
  const module = { exports: {} };
  return vm.createContext({ console, require, module, exports: module.exports, process, Buffer, setTimeout, clearTimeout, setInterval, clearInterval });
}

function run(source, filename, ctx, timeout) {
  return new vm.Script(source, { filename }).runInContext(ctx, { timeout });
}

function entryOf(ctx, name) {
  const found = run(`typeof ${name} !== 'undefined' ? ${name} : undefined`, "harness", ctx, 1000);
  if (found !== undefined) return found;
  const exported = ctx.module.exports;
  return typeof exported === "function" ? exported : exported?.[name];
}

function failure(e) {
  if (e && e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return { timeout: true };
  const name = e && typeof e.name === "string" ? e.name : "Error";
  const message = e && typeof e.message === "string" ? e.message : String(e);
  if (e && e.stack) process.stderr.write(String(e.stack) + "\n");
  return { exception: name === "AssertionError" || e?.code === "ERR_ASSERTION" ? "AssertionError" : name, message: message.slice(0, 500) };
}

function report(result, k) {
  fs.writeSync(3, JSON.stringify(k === undefined ? result : { k, ...result }) + "\n");
}
