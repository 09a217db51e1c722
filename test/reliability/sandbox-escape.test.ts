import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { python, sandboxUnavailable, scoreCode } from "../rewards/code/helpers.ts";

/** Escape attempts kept as tests: each program tries to outlive, read or reach what it must not. */
const skip = sandboxUnavailable();

/** PIDs of processes whose command line holds `marker`. */
function processesWith(marker: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.includes(marker) && !l.includes("ps -eo"));
}

const sum = { tests: [{ stdin: "1 2\n", stdout: "3\n" }] };

test("a program that leaves processes behind (background, setsid, double fork) leaves none after its test", { skip }, async () => {
  const marker = `rs-escape-${process.pid}-${Date.now()}`;
  const program = [
    "import os, subprocess, sys",
    `subprocess.Popen(["sleep", "300", "${marker}-bg"])`,
    `subprocess.Popen(["setsid", "sleep", "300", "${marker}-setsid"], start_new_session=True)`,
    "if os.fork() == 0:",
    "    if os.fork() == 0:",
    `        os.execvp("sleep", ["sleep", "300", "${marker}-double"])`,
    "    os._exit(0)",
    "a, b = map(int, input().split()); print(a + b)",
  ].join("\n");
  const [r] = await scoreCode([{ completion: python(program), reference: sum }], { timeout_s: 2 });
  assert.equal(r.status, "ok");
  await sleep(200);
  assert.deepEqual(processesWith(marker), [], "processes outlived the sandbox");
});

test("a program cannot read the parent's environment", { skip }, async () => {
  process.env.REWARDSMITH_ESCAPE_SECRET = "hunter2-secret";
  try {
    const program = "import os\nv = os.environ.get('REWARDSMITH_ESCAPE_SECRET') or open('/proc/1/environ','rb').read().decode('latin-1')\nprint('3' if 'hunter2' not in v else 'LEAK')";
    const [r] = await scoreCode([{ completion: python(program), reference: sum }]);
    assert.equal(r.reward, 1, JSON.stringify(r));
  } finally {
    delete process.env.REWARDSMITH_ESCAPE_SECRET;
  }
});

test("a program cannot reach a socket the host listens on (loopback)", { skip }, async () => {
  const server = createServer((s) => s.end("3\n"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const program = `import socket\ntry:\n    s = socket.create_connection(("127.0.0.1", ${port}), timeout=0.5); print(s.recv(10).decode().strip())\nexcept OSError:\n    print("blocked")`;
    const [r] = await scoreCode([{ completion: python(program), reference: sum }]);
    assert.equal(r.reward, 0, "the program reached the host's socket and used its answer");
    assert.match(JSON.stringify(r), /blocked/);
  } finally {
    server.close();
  }
});

test("a program cannot find its hidden expected output anywhere in its sandbox", { skip }, async () => {
  const secret = "7391-expected-answer-8264";
  const program = [
    "import os",
    "found = None",
    "for root in ['/tmp', '/run', '/var', '/home', '/root', '/etc', os.getcwd(), '/dev/shm']:",
    "    for d, _, files in os.walk(root):",
    "        for f in files:",
    "            try:",
    `                data = open(os.path.join(d, f), 'rb').read(1 << 20)`,
    `                i = data.find(b'${secret.slice(0, 5)}')`,
    "                if i >= 0: found = data[i:i + 25].decode()",
    "            except Exception: pass",
    "for fd in os.listdir('/proc/self/fd'):",
    "    try:",
    "        data = os.read(int(fd), 1 << 16)",
    `        if b'${secret.slice(0, 5)}' in data: found = data.decode()`,
    "    except Exception: pass",
    "print(found or 'none')",
  ].join("\n");
  const [r] = await scoreCode([{ completion: python(program), reference: { tests: [{ stdin: "", stdout: `${secret}\n` }] } }], { timeout_s: 5 });
  // Had the program found the expected output it would have printed it and passed.
  assert.equal(r.status, "ok");
  assert.equal(r.reward, 0, "the program found its expected output");
  assert.match(r.reason ?? "", /wrong/, JSON.stringify(r).slice(0, 400));
});
