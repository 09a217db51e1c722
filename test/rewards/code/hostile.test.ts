import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, test } from "node:test";
import type { RewardResult, Sample } from "../../../src/core/types.ts";
import { GOOD, outcomes, python, sandboxUnavailable, scoreCode } from "./helpers.ts";

const skip = sandboxUnavailable();

/** Score a hostile program followed by a correct one in the same batch; the correct one must still get 1. */
async function hostileThenGood(hostile: Sample, options: Record<string, unknown> = {}): Promise<RewardResult> {
  const [bad, good] = await scoreCode([hostile, GOOD], options);
  assert.equal(good.status, "ok", good.reason);
  assert.equal(good.reward, 1, good.reason);
  return bad;
}

/** Host processes whose command line contains `marker`. */
function processesWith(marker: string): number {
  let n = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) n++;
    } catch {
      // the process ended while we looked
    }
  }
  return n;
}

const ONE_TEST = { tests: [{ stdin: "", stdout: "done\n" }] };

describe("code sandbox: hostile programs", { skip }, () => {
  test("an infinite loop times out", async () => {
    const r = await hostileThenGood({ completion: python("while True:\n    pass"), reference: ONE_TEST });
    assert.equal(r.status, "ok");
    assert.equal(r.reward, 0);
    assert.deepEqual(outcomes(r), ["timeout"]);
  });

  test("a fork bomb is held by the process limit, times out, and leaves no process behind", async () => {
    const marker = `rs-bomb-${randomUUID()}`;
    const code = `import os\nif os.fork() == 0:\n    os.execv("/usr/bin/sleep", ["sleep", "3600", "${marker}"])\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass`;
    const r = await hostileThenGood({ completion: python(code), reference: ONE_TEST }, { max_processes: 32 });
    assert.deepEqual(outcomes(r), ["timeout"]);
    assert.equal(processesWith(marker), 0);
  });

  test("the process limit stops forking well before the host's", async () => {
    const code = "import os, time\nn = 0\nwhile n < 5000:\n    try:\n        pid = os.fork()\n    except OSError:\n        break\n    if pid == 0:\n        time.sleep(30)\n        os._exit(0)\n    n += 1\nprint(n)";
    const r = await hostileThenGood({ completion: python(code), reference: ONE_TEST }, { max_processes: 32 });
    assert.deepEqual(outcomes(r), ["wrong_answer"]);
    const forked = Number(/got "(\d+)/.exec(String(r.components!.test_1.reason))![1]);
    assert.ok(forked < 32, `forked ${forked} processes`);
  });

  test("a memory hog hits the memory limit", async () => {
    const code = "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 1024 * 1024))";
    const r = await hostileThenGood({ completion: python(code), reference: ONE_TEST }, { memory_mb: 256, timeout_s: 5 });
    assert.deepEqual(outcomes(r), ["memory"]);
  });

  test("a 1 GB printer is cut at the output limit", async () => {
    const code = "import sys\nchunk = 'x' * 65536\nfor _ in range(16384):\n    sys.stdout.write(chunk)";
    const r = await hostileThenGood({ completion: python(code), reference: ONE_TEST }, { timeout_s: 10 });
    assert.deepEqual(outcomes(r), ["output_limit"]);
  });

  test("a network socket cannot reach the host or the internet", async () => {
    const server = createServer((s) => s.end("hello\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const code = `import socket\nfor host in ["127.0.0.1", "1.1.1.1"]:\n    try:\n        socket.create_connection((host, ${port} if host == "127.0.0.1" else 80), timeout=0.5).recv(10)\n        print("connected", host)\n    except OSError:\n        print("blocked")`;
      const r = await hostileThenGood({ completion: python(code), reference: { tests: [{ stdin: "", stdout: "blocked\nblocked\n" }] } });
      assert.equal(r.reward, 1, r.reason);
    } finally {
      server.close();
    }
  });

  test("writes to /tmp and /etc stay inside the sandbox; nothing else is writable", async () => {
    const name = `rs-write-${randomUUID()}`;
    const code = `import os\nfor d in ["/tmp", "/etc", "/usr", "/", "/dev"]:\n    try:\n        with open(os.path.join(d, "${name}"), "w") as f:\n            f.write("pwned")\n        print("wrote", d)\n    except OSError:\n        print("denied", d)`;
    const r = await hostileThenGood({ completion: python(code), reference: { tests: [{ stdin: "", stdout: "wrote /tmp\ndenied /etc\ndenied /usr\ndenied /\ndenied /dev\n" }] } });
    assert.equal(r.reward, 1, r.reason);
    for (const d of ["/tmp", "/etc", "/usr"]) assert.equal(existsSync(`${d}/${name}`), false, `${d}/${name} exists on the host`);
  });

  test("a test that fills the writable space does not break the next test", async () => {
    const code = "import os\nif input() == 'fill':\n    os.makedirs('/tmp/d/e')\n    i = 0\n    try:\n        while True:\n            open(f'/tmp/d/e/f{i}', 'w').write('x' * 1000000)\n            i += 1\n    except OSError:\n        pass\n    os.chmod('/tmp/d/e', 0o500)\n    os.chmod('/tmp/d', 0o500)\n    print('full')\nelse:\n    print(os.path.exists('/tmp/d'))";
    // The first test's own stdout shares the space it filled, so only the second one is judged.
    const reference = { tests: [{ stdin: "fill\n", stdout: "full\n" }, { stdin: "look\n", stdout: "False\n" }] };
    const r = await hostileThenGood({ completion: python(code), reference }, { timeout_s: 5 });
    assert.equal(outcomes(r)[1], "passed", r.reason);
  });

  test("/etc/shadow (and the rest of the host's /etc and /home) cannot be read", async () => {
    const code = "import os\nfor p in ['/etc/shadow', '/etc/passwd', '/root', '/home']:\n    print(p, os.path.exists(p))";
    const r = await hostileThenGood({ completion: python(code), reference: { tests: [{ stdin: "", stdout: "/etc/shadow False\n/etc/passwd False\n/root False\n/home False\n" }] } });
    assert.equal(r.reward, 1, r.reason);
  });

  test("a program that kills its parent (and everything else it can) does not stop the other tests", async () => {
    const code = "import os, signal\nfor pid in (os.getppid(), 1, -1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\nprint(input())";
    const r = await hostileThenGood({ completion: python(code), reference: { tests: [{ stdin: "a\n", stdout: "a\n" }, { stdin: "b\n", stdout: "b\n" }] } });
    assert.deepEqual(outcomes(r), ["passed", "passed"]);
  });

  test("a program cannot make the reward fail (status error) by breaking the harness", async () => {
    const add = { entry_point: "add", cases: [{ args: [1, 2], expected: 3 }, { args: [5, 5], expected: 10 }] };
    const breakers = {
      "NaN in its result": "import os\ndef add(a, b):\n    os.write(3, b'{\"value\": NaN}')\n    os._exit(0)",
      "a deeply nested result": "import os\ndef add(a, b):\n    os.write(3, b'[' * 100000 + b']' * 100000)\n    os._exit(0)",
      "an unreadable /tmp": "import os\ndef add(a, b):\n    os.chmod('/tmp', 0)\n    os.chmod('/dev/shm', 0)\n    return a + b",
    };
    for (const [what, code] of Object.entries(breakers)) {
      const r = await hostileThenGood({ completion: python(code), reference: add });
      assert.equal(r.status, "ok", `${what}: ${r.reason}`);
      assert.equal(r.reward, what === "an unreadable /tmp" ? 1 : 0, `${what}: ${r.reason}`);
    }
  });

  test("a test that rewrites the program does not change what the next test runs", async () => {
    const code = "open('/tmp/solution.py', 'a').write('\\nprint(\"changed\")\\n')\nprint(input())";
    const r = await hostileThenGood({ completion: python(code), reference: { tests: [{ stdin: "a\n", stdout: "a\n" }, { stdin: "b\n", stdout: "b\n" }] } });
    assert.deepEqual(outcomes(r), ["passed", "passed"], r.reason);
  });
});
