import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { codeReward } from "../../../src/rewards/code/index.ts";
import { GOOD, javascript, outcomes, python, sandboxUnavailable, scoreCode } from "./helpers.ts";

const skip = sandboxUnavailable();
const skipJs = sandboxUnavailable("javascript");

const ADD_CASES = { entry_point: "add", cases: [{ args: [1, 2], expected: 3 }, { args: [2, 2], expected: 4 }, { args: [-1, 1], expected: 0 }, { args: [0.1, 0.2], expected: 0.3 }] };

describe("code reward: python", { skip }, () => {
  test("a correct stdin/stdout program gets 1", async () => {
    const [r] = await scoreCode([GOOD]);
    assert.equal(r.status, "ok");
    assert.equal(r.reward, 1);
    assert.deepEqual(outcomes(r), ["passed", "passed"]);
  });

  test("a wrong program gets 0 and says what it printed", async () => {
    const [r] = await scoreCode([{ ...GOOD, completion: python("a, b = map(int, input().split())\nprint(a - b)") }]);
    assert.equal(r.reward, 0);
    assert.deepEqual(outcomes(r), ["wrong_answer", "wrong_answer"]);
    assert.match(String(r.components!.test_1.reason), /expected "3\\n", got "-1\\n"/);
  });

  test("a partially correct program gets the fraction of tests passed; pass_all gives 0", async () => {
    const sample = { completion: python("def add(a, b):\n    return a + b if a > 0 else 7"), reference: ADD_CASES };
    const [fraction] = await scoreCode([sample]);
    assert.equal(fraction.reward, 0.75);
    assert.deepEqual(outcomes(fraction), ["passed", "passed", "wrong_answer", "passed"]);
    assert.match(fraction.reason!, /^3\/4 tests passed; test_3: wrong answer \(expected "0", got "7"\)/);
    const [all] = await scoreCode([sample], { scoring: "pass_all" });
    assert.equal(all.reward, 0);
  });

  test("weighted scoring uses weights, or 1 - pass_rate", async () => {
    const reference = { entry_point: "f", cases: [{ args: [1], expected: 1, weight: 3 }, { args: [2], expected: 2, weight: 1 }] };
    const [w] = await scoreCode([{ completion: python("def f(x):\n    return 1"), reference }], { scoring: "weighted" });
    assert.equal(w.reward, 0.75);
    const rates = { entry_point: "f", cases: [{ args: [1], expected: 1, pass_rate: 0.9 }, { args: [2], expected: 2, pass_rate: 0.1 }] };
    const [p] = await scoreCode([{ completion: python("def f(x):\n    return 2"), reference: rates }], { scoring: "weighted" });
    assert.ok(Math.abs(p.reward! - 0.9) < 1e-9);
  });

  test("function cases are isolated: a crash, a mutation or an exit in one case does not touch the others", async () => {
    const code = "seen = []\ndef f(x):\n    seen.append(x)\n    if x == 1:\n        raise ValueError('bad one')\n    if x == 2:\n        import sys; sys.exit(0)\n    return len(seen)";
    const [r] = await scoreCode([{ completion: python(code), reference: { entry_point: "f", cases: [{ args: [1], expected: 1 }, { args: [2], expected: 1 }, { args: [3], expected: 1 }] } }]);
    assert.deepEqual(outcomes(r), ["runtime_error", "runtime_error", "passed"]);
    assert.match(String(r.components!.test_1.reason), /ValueError: bad one/);
    assert.match(String(r.components!.test_2.reason), /exited \(status 0\) before returning/);
  });

  test("HumanEval-style test_code: check(candidate) is called; sys.exit before the asserts is not a pass", async () => {
    const reference = { entry_point: "add", test_code: "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(2, 2) == 4, 'two plus two'\n" };
    const [good] = await scoreCode([{ completion: python("def add(a, b):\n    return a + b"), reference }]);
    assert.equal(good.reward, 1);
    const [wrong] = await scoreCode([{ completion: python("def add(a, b):\n    return 3"), reference }]);
    assert.equal(wrong.reward, 0);
    assert.match(String(wrong.components!.test_1.reason), /assertion failed: two plus two/);
    const [cheat] = await scoreCode([{ completion: python("import sys\ndef add(a, b):\n    return 0\nsys.exit(0)"), reference }]);
    assert.equal(cheat.reward, 0);
    assert.deepEqual(outcomes(cheat), ["runtime_error"]);
  });

  test("a list of test_code snippets scores each separately", async () => {
    const reference = { test_code: ["assert sq(2) == 4", "assert sq(3) == 9", "assert sq(-1) == 1"] };
    const [r] = await scoreCode([{ completion: python("def sq(x):\n    return x * x if x > 0 else 0"), reference }]);
    assert.ok(Math.abs(r.reward! - 2 / 3) < 1e-9);
  });

  test("a runtime error reports the last stderr lines", async () => {
    const [r] = await scoreCode([{ ...GOOD, completion: python("x = int(input())\nprint(1 / 0)") }]);
    assert.deepEqual(outcomes(r), ["runtime_error", "runtime_error"]);
    assert.match(String(r.components!.test_1.reason), /ValueError: invalid literal/);
  });

  test("a program that survives a MemoryError and says so on stderr is judged by its output", async () => {
    const code = "import sys\ntry:\n    table = bytearray(10**12)\nexcept MemoryError:\n    print('MemoryError: falling back', file=sys.stderr)\na, b = map(int, input().split())\nprint(a + b)";
    const [r] = await scoreCode([{ ...GOOD, completion: python(code) }]);
    assert.equal(r.reward, 1, r.reason);
  });

  test("a stdin/stdout program ends as under python3: its threads are waited for, its atexit functions run", async () => {
    const programs = [
      "import threading, time\ndef main():\n    time.sleep(0.3)\n    a, b = map(int, input().split())\n    print(a + b)\nthreading.Thread(target=main).start()",
      "import atexit, io, sys\nbuffer = io.StringIO()\nsys.stdout = buffer\natexit.register(lambda: sys.__stdout__.write(buffer.getvalue()))\na, b = map(int, input().split())\nprint(a + b)",
    ];
    const results = await scoreCode(programs.map((p) => ({ ...GOOD, completion: python(p) })), { timeout_s: 5 });
    for (const r of results) assert.equal(r.reward, 1, r.reason);
  });

  test("sys.exit with a message exits with status 1 and the message, as the interpreter does", async () => {
    const [r] = await scoreCode([{ ...GOOD, completion: python("import sys\nsys.exit('no input today')") }]);
    assert.match(String(r.components!.test_1.reason), /^exit status 1: no input today$/);
  });

  test("async def functions are awaited, in cases and in test_code's check", async () => {
    const code = "import asyncio\nasync def f(x):\n    await asyncio.sleep(0.01)\n    if x == 2:\n        raise ValueError('two')\n    return x * 10";
    const check = "async def check(f):\n    assert await f(1) == 10";
    const [r, tc, tcWrong] = await scoreCode([
      { completion: python(code), reference: { entry_point: "f", cases: [{ args: [1], expected: 10 }, { args: [2], expected: 20 }, { args: [3], expected: 30 }] } },
      { completion: python(code), reference: { entry_point: "f", test_code: check } },
      { completion: python("async def f(x):\n    return 0"), reference: { entry_point: "f", test_code: check } },
    ]);
    assert.deepEqual(outcomes(r), ["passed", "runtime_error", "passed"], JSON.stringify(r.components));
    assert.deepEqual(outcomes(tc), ["passed"]);
    assert.deepEqual(outcomes(tcWrong), ["wrong_answer"]); // a failed assert
  });

  test("output comparison modes: exact, whitespace, float", async () => {
    const ref = (compare: string, stdout: string) => ({ tests: [{ stdin: "", stdout }], compare });
    const prints = python("print('3.14159  2')");
    const [ws] = await scoreCode([{ completion: prints, reference: ref("whitespace", "3.14159 2") }]);
    assert.equal(ws.reward, 1);
    const [exact] = await scoreCode([{ completion: prints, reference: ref("exact", "3.14159 2\n") }]);
    assert.equal(exact.reward, 0);
    const [fl] = await scoreCode([{ completion: prints, reference: ref("float", "3.1415926 2") }], { float_tolerance: 1e-4 });
    assert.equal(fl.reward, 1);
    const [far] = await scoreCode([{ completion: prints, reference: ref("float", "3.2 2") }], { float_tolerance: 1e-4 });
    assert.equal(far.reward, 0);
  });

  test("the APPS layout (inputs/outputs) and references given as JSON strings are read", async () => {
    const reference = JSON.stringify({ inputs: ["1 2\n", "3 4\n"], outputs: ["3\n", "7\n"] });
    const [r] = await scoreCode([{ completion: GOOD.completion, reference }]);
    assert.equal(r.reward, 1);
  });

  test("no code block: reward 0 with a reason; bad references are unscorable with the path", async () => {
    const [none, bad, absent, empty] = await scoreCode([
      { completion: "I think the answer is to add them.", reference: GOOD.reference },
      { completion: GOOD.completion, reference: { tests: [{ stdin: "1", stdout: 3 }] } },
      { completion: GOOD.completion },
      { completion: GOOD.completion, reference: { entry_point: "f", cases: [{ args: [1] }] } },
    ]);
    assert.deepEqual([none.reward, none.status], [0, "ok"]);
    assert.match(none.reason!, /no ```python code block/);
    assert.equal(bad.status, "unscorable");
    assert.match(bad.reason!, /^reference\.tests\.0\.stdout: /);
    assert.equal(absent.status, "unscorable");
    assert.match(empty.reason!, /reference\.cases\.0\.expected: missing/);
  });
});

describe("code reward: javascript", { skip: skipJs }, () => {
  test("function cases, stdin/stdout tests and test_code", async () => {
    const [cases, io, tc] = await scoreCode(
      [
        { completion: javascript("function add(a, b) { return a > 0 ? a + b : 7; }"), reference: ADD_CASES },
        { completion: javascript("const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);"), reference: GOOD.reference },
        { completion: javascript("const add = (a, b) => a + b;"), reference: { entry_point: "add", test_code: "const assert = require('assert');\nassert.equal(add(1, 2), 3);" } },
      ],
      { language: "javascript" },
    );
    assert.equal(cases.reward, 0.75);
    assert.equal(io.reward, 1);
    assert.equal(tc.reward, 1);
  });

  test("a function returning nothing returns null; one returning a function is told it cannot be written as JSON", async () => {
    const reference = { entry_point: "f", cases: [{ args: [1], expected: null }, { args: [2], expected: null }] };
    const [r] = await scoreCode([{ completion: javascript("function f(x) { if (x === 2) return () => 1; }"), reference }], { language: "javascript" });
    assert.deepEqual(outcomes(r), ["passed", "runtime_error"]);
    assert.match(String(r.components!.test_2.reason), /cannot be written as JSON/);
  });

  test("large inputs whose sum exceeds the sandbox's /tmp are read", async () => {
    const stdin = "1 ".repeat(4_000_000);
    const tests = Array.from({ length: 10 }, () => ({ stdin, stdout: "4000000\n" }));
    const code = "console.log(require('fs').readFileSync(0, 'utf8').trim().split(' ').length);";
    const [r] = await scoreCode([{ completion: javascript(code), reference: { tests } }], { language: "javascript", timeout_s: 10 });
    assert.equal(r.reward, 1, r.reason);
  });

  test("a timer the program leaves running does not make its finished tests time out", async () => {
    const code = "setInterval(() => {}, 1000);\nfunction add(a, b) { return a + b; }";
    const [r] = await scoreCode([{ completion: javascript(code), reference: { entry_point: "add", test_code: "if (add(1, 2) !== 3) throw new Error('no')" } }], { language: "javascript" });
    assert.deepEqual(outcomes(r), ["passed"], r.reason);
  });

  test("an infinite loop in one case times out and the next case still runs", async () => {
    const code = "function f(x) { if (x === 1) { while (true) {} } return x; }";
    const [r] = await scoreCode([{ completion: javascript(code), reference: { entry_point: "f", cases: [{ args: [1], expected: 1 }, { args: [2], expected: 2 }] } }], { language: "javascript" });
    assert.deepEqual(outcomes(r), ["timeout", "passed"]);
  });

  test("async functions are awaited: their value is compared, a rejection fails, a promise that never settles times out", async () => {
    const code = "async function f(x) { await new Promise((r) => setTimeout(r, 5)); if (x === 2) throw new RangeError('two'); if (x === 3) await new Promise(() => {}); return x * 10; }";
    const cases = [{ args: [1], expected: 10 }, { args: [2], expected: 20 }, { args: [3], expected: 30 }, { args: [4], expected: 40 }];
    const checkAsync = "async function check(f) { if ((await f(1)) !== 10) throw new Error('wrong'); }";
    const [r, tc, tcWrong] = await scoreCode(
      [
        { completion: javascript(code), reference: { entry_point: "f", cases } },
        { completion: javascript(code), reference: { entry_point: "f", test_code: checkAsync } },
        { completion: javascript("async function f(x) { return 0; }"), reference: { entry_point: "f", test_code: checkAsync } },
      ],
      { language: "javascript", timeout_s: 2 },
    );
    assert.deepEqual(outcomes(r), ["passed", "runtime_error", "timeout", "passed"], JSON.stringify(r.components));
    assert.match(String(r.components!.test_2.reason), /RangeError/);
    assert.deepEqual(outcomes(tc), ["passed"]);
    assert.deepEqual(outcomes(tcWrong), ["runtime_error"]);
  });

  test("a memory hog hits the memory limit", async () => {
    const code = "const a = []; while (true) a.push(new Array(1e6).fill(1));";
    const [r] = await scoreCode([{ completion: javascript(code), reference: { tests: [{ stdin: "", stdout: "" }] } }], { language: "javascript", memory_mb: 128, timeout_s: 10 });
    assert.deepEqual(outcomes(r), ["memory"]);
  });
});

describe("code reward: javascript, hostile", { skip: skipJs }, () => {
  const pythonGood = { ...GOOD, reference: { ...(GOOD.reference as object), language: "python" } };
  test("a program that kills the harness fails its remaining tests; the batch goes on", async () => {
    const code = "try { process.kill(process.ppid, 'SIGKILL'); process.kill(2, 'SIGKILL'); } catch {}\nconsole.log('alive');";
    const [r, good] = await scoreCode([{ completion: javascript(code), reference: { tests: [{ stdin: "", stdout: "alive\n" }, { stdin: "", stdout: "alive\n" }] } }, pythonGood], { language: "javascript" });
    assert.equal(r.status, "ok", r.reason);
    assert.equal(r.reward, 0);
    assert.match(String(r.components!.test_1.reason), /ended by the program/);
    assert.equal(good.reward, 1);
  });

  test("a program cannot make the reward fail (status error) by breaking the harness, nor change the next test's program", async () => {
    const deep = "require('fs').writeSync(3, '{\"k\":0,\"value\":' + '['.repeat(100000) + ']'.repeat(100000) + '}\\n'); process.exit(0);";
    const chmod = "const fs = require('fs'); fs.chmodSync('/tmp', 0); try { fs.chmodSync('/dev/shm', 0); } catch {}";
    const rewrite = "require('fs').appendFileSync('/tmp/solution.js', '\\nconsole.log(\"changed\");\\n');";
    const [r1, r2, r3, r4] = await scoreCode(
      [
        { completion: javascript(`function add(a, b) { ${deep} }`), reference: ADD_CASES },
        { completion: javascript(deep), reference: { test_code: "assert(false)" } },
        { completion: javascript(`function add(a, b) { ${chmod}; return a > 0 ? a + b : 7; }`), reference: ADD_CASES },
        { completion: javascript(`${rewrite}\nconsole.log('a');`), reference: { tests: [{ stdin: "", stdout: "a\n" }, { stdin: "", stdout: "a\n" }] } },
      ],
      { language: "javascript" },
    );
    for (const r of [r1, r2, r3, r4]) assert.equal(r.status, "ok", r.reason);
    assert.deepEqual([r1.reward, r2.reward, r3.reward, r4.reward], [0, 0, 0.75, 1]);
  });
});

describe("code reward: close", { skip }, () => {
  test("close() stops running programs and the queued ones: a caller that gave up (broken output, shutdown) is not held", { timeout: 120_000 }, async () => {
    const o = codeReward.options.parse({ timeout_s: 100, concurrency: 1 });
    const reward = codeReward.create(o, { name: "code", specDir: ".", type: "code" });
    const sleeper = { completion: python("import time\ntime.sleep(100)\nprint(input())"), reference: { tests: [{ stdin: "a\n", stdout: "a\n" }] } };
    const pending = reward.score([sleeper, sleeper, sleeper]);
    await delay(500); // the first program is running, the other two wait for the pool
    await reward.close!();
    const results = await pending; // without close() this takes 300 s
    assert.deepEqual(results.map((r) => r.status), ["error", "error", "error"]);
    for (const r of results) assert.match(r.reason!, /closed/);
  });
});
