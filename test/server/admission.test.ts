import assert from "node:assert/strict";
import { test } from "node:test";
import { Admission } from "../../src/server/admission.ts";
import { bearerChecker } from "../../src/server/auth.ts";

test("admission runs up to concurrency, queues up to maxQueue, refuses beyond", async () => {
  const a = new Admission(2, 1);
  const t1 = a.admit()!;
  const t2 = a.admit()!;
  const t3 = a.admit()!;
  assert.equal(a.admit(), undefined);
  assert.deepEqual([t1.granted, t2.granted, t3.granted], [true, true, false]);
  assert.deepEqual([a.active, a.queued], [3, 1]);
  t1.release();
  await t3.slot;
  assert.equal(t3.granted, true);
  assert.deepEqual([a.active, a.queued], [2, 0]);
  t1.release(); // a second release is a no-op
  assert.equal(a.active, 2);
  t2.release();
  t3.release();
  assert.equal(a.active, 0);
  assert.ok(a.admit()?.granted);
});

test("a waiting ticket released before its turn leaves the queue without taking a slot", () => {
  const a = new Admission(1, 2);
  const running = a.admit()!;
  const gaveUp = a.admit()!;
  const next = a.admit()!;
  gaveUp.release();
  assert.deepEqual([a.active, a.queued], [2, 1]);
  running.release();
  assert.equal(next.granted, true);
  assert.equal(gaveUp.granted, false);
  next.release();
  assert.equal(a.active, 0);
});

test("bearer check accepts only the exact token", () => {
  const ok = bearerChecker("tok-123");
  assert.equal(ok("Bearer tok-123"), true);
  assert.equal(ok("bearer   tok-123"), true);
  for (const bad of [undefined, "", "Bearer", "Bearer tok-12", "Bearer tok-1234", "Basic tok-123", "tok-123"]) assert.equal(ok(bad), false, String(bad));
});
