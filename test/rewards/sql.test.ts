import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, test } from "node:test";
import type { Reward } from "../../src/core/reward.ts";
import type { RewardResult, Sample } from "../../src/core/types.ts";
import { sameResult } from "../../src/rewards/sql/compare.ts";
import { jaccard, schemaItems, tokenNgrams } from "../../src/rewards/sql/partial.ts";
import { extractSql, sqlReward } from "../../src/rewards/sql/index.ts";
import { hasTopLevelOrderBy, statements, tokenizeSql } from "../../src/rewards/sql/tokens.ts";
import { tempDir } from "../helpers.ts";

const close = (actual: number | null | undefined, expected: number, eps = 1e-9) =>
  assert.ok(typeof actual === "number" && Math.abs(actual - expected) < eps, `expected ${expected}, got ${actual}`);

let dir: string;
let dbPath: string;
const open: Reward[] = [];

before(() => {
  dir = tempDir();
  dbPath = join(dir, "hr.sqlite");
  const db = new DatabaseSync(dbPath);
  db.exec(`CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept TEXT, salary REAL);
           INSERT INTO emp VALUES (1, 'ann', 'eng', 100), (2, 'bob', 'eng', 80), (3, 'cid', 'ops', 90);`);
  db.close();
});

after(async () => {
  for (const r of open) await r.close?.();
});

function reward(options: Record<string, unknown>): Reward {
  const r = sqlReward.create(sqlReward.options.parse(options), { name: "sql", specDir: dir, type: "sql" });
  open.push(r);
  return r;
}

const digest = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const GOLD = "SELECT name FROM emp WHERE dept = 'eng'";

test("SQL tokens: statements, comments, quoted names, top-level ORDER BY", () => {
  const t = tokenizeSql("SELECT \"a b\", 'it''s' -- note\nFROM t /* c */ WHERE x >= 1.5;");
  assert.deepEqual(t.map((x) => `${x.type}:${x.text}`), ["word:SELECT", "ident:a b", "punct:,", "string:it's", "word:FROM", "word:t", "word:WHERE", "word:x", "punct:>=", "number:1.5", "punct:;"]);
  assert.equal(statements(tokenizeSql("SELECT 1; SELECT 2;")).length, 2);
  assert.equal(statements(tokenizeSql("SELECT ';' ;")).length, 1);
  assert.ok(hasTopLevelOrderBy(tokenizeSql("SELECT a FROM t ORDER BY a")));
  assert.ok(!hasTopLevelOrderBy(tokenizeSql("SELECT a FROM (SELECT a FROM t ORDER BY a LIMIT 3)")));
});

test("results compare as multisets, as sequences only when ordered", () => {
  assert.ok(sameResult([[1], [2], [2]], [[2], [1], [2]], false));
  assert.ok(!sameResult([[1], [2], [2]], [[1], [1], [2]], false));
  assert.ok(!sameResult([[1], [2]], [[2], [1]], true));
  assert.ok(sameResult([[0.1 + 0.2]], [[0.3]], false));
  assert.ok(!sameResult([[1, "a"]], [["a", 1]], false));
});

test("partial rewards: schema items and n-gram Jaccard", () => {
  const schema = { tables: ["emp"], columns: ["id", "name", "dept", "salary"] };
  assert.deepEqual([...schemaItems(tokenizeSql(GOLD), schema)].sort(), ["column:dept", "column:name", "table:emp"]);
  close(jaccard(new Set(["a", "b"]), new Set(["b", "c"])), 1 / 3);
  assert.equal(jaccard(new Set(), new Set()), 1);
  assert.deepEqual([...tokenNgrams(tokenizeSql("SELECT a FROM t"), 2)], ["select\u0001a", "a\u0001from", "from\u0001t"]);
  assert.equal(extractSql("I think:\n```sql\nSELECT 1\n```\nor\n```sql\nSELECT 2\n```"), "SELECT 2");
  assert.equal(extractSql("  SELECT 3  "), "SELECT 3");
});

test("sql reward: execution match and hand-computed partial credit", async () => {
  const r = reward({ database: "hr.sqlite", weights: { execution: 3, syntax: 1, schema: 1, ngram: 1 } });
  const out = (await r.score([
    { completion: "```sql\nSELECT name FROM emp WHERE dept='eng'\n```", reference: GOLD },
    // runs, wrong rows: schema {emp, name} vs {emp, name, dept} = 2/3; bigrams 3 of 7 shared
    { completion: "SELECT name FROM emp", reference: GOLD },
    // fails: syntax 0; schema {emp} vs 3 items = 1/3; bigrams {select nme, nme from, from emp}: 1 of 9
    { completion: "SELECT nme FROM emp", reference: GOLD },
  ])) as RewardResult[];
  close(out[0].reward, 1);
  close(out[1].reward, (0 + 1 + 2 / 3 + 3 / 7) / 6);
  assert.equal(out[1].reason, "result differs from the reference");
  close(out[2].reward, (0 + 0 + 1 / 3 + 1 / 9) / 6);
  assert.match(out[2].components?.syntax.reason as string, /no such column: nme/);
});

test("sql reward: ORDER BY in the reference makes order matter; double-quoted strings work as in Spider", async () => {
  const r = reward({ database: "hr.sqlite" });
  const out = (await r.score([
    { completion: "SELECT name FROM emp ORDER BY salary", reference: "SELECT name FROM emp ORDER BY salary DESC" },
    { completion: "SELECT name FROM emp ORDER BY salary", reference: "SELECT name FROM emp" },
    { completion: 'SELECT name FROM emp WHERE dept = "eng"', reference: GOLD },
    // integers beyond 2^53 compare exactly; an INTEGER 100 equals a REAL 100.0
    { completion: "SELECT 9223372036854775807", reference: "SELECT 9223372036854775807" },
    { completion: "SELECT 9223372036854775806", reference: "SELECT 9223372036854775807" },
    { completion: "SELECT CAST(salary AS INTEGER) FROM emp WHERE id = 1", reference: "SELECT salary FROM emp WHERE id = 1" },
  ])) as RewardResult[];
  assert.deepEqual(out.map((x) => x.reward), [0, 1, 1, 1, 0, 1]);
});

test("sql reward: max_rows bounds what is read", async () => {
  const r = reward({ database: "hr.sqlite", max_rows: 2 });
  const out = (await r.score([
    { completion: "SELECT name FROM emp", reference: GOLD },
    { completion: "SELECT name FROM emp", reference: "SELECT name FROM emp" },
  ])) as RewardResult[];
  assert.deepEqual(out[0].components?.execution, { reward: 0, status: "ok", reason: "more than max_rows (2) rows" });
  assert.equal(out[1].status, "unscorable");
  assert.match(out[1].reason!, /more than max_rows \(2\)/);
});

test("sql reward: a result over 64 MiB of values is cut off in the query process, not shipped whole", async () => {
  // Two blobs of 32 MiB + 1 byte: 64 MiB + 2 bytes in all, over the limit; one of them is under it.
  const r = reward({ database: "hr.sqlite" });
  const big = "SELECT zeroblob(33554433) UNION ALL SELECT zeroblob(33554434)";
  const out = (await r.score([
    { completion: big, reference: GOLD },
    { completion: "SELECT 1", reference: big },
    { completion: "SELECT length(zeroblob(33554433))", reference: "SELECT zeroblob(33554433)" },
  ])) as RewardResult[];
  assert.deepEqual(out[0].components?.execution, { reward: 0, status: "ok", reason: "more than 64 MiB of text and blob values" });
  assert.equal(out[0].components?.syntax.reward, 1);
  assert.deepEqual(out[1], { reward: null, status: "unscorable", reason: "the reference result has more than 64 MiB of text and blob values" });
  assert.equal(out[2].reward, 0); // under the limit: compared as usual
});

test("sql reward: writing and hanging queries are errors and the file is never modified", async () => {
  const before = { hash: digest(dbPath), mtime: statSync(dbPath).mtimeMs };
  const r = reward({ database: "hr.sqlite", timeout_ms: 1500, workers: 2 });
  const out = (await r.score([
    { completion: "DELETE FROM emp", reference: GOLD },
    { completion: "UPDATE emp SET salary = 0", reference: GOLD },
    { completion: `ATTACH '${join(dir, "new.sqlite")}' AS x`, reference: GOLD },
    { completion: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", reference: GOLD },
    { completion: "SELECT name FROM emp WHERE dept = 'eng'", reference: GOLD },
  ])) as RewardResult[];
  assert.deepEqual(out.map((x) => x.status), ["error", "error", "error", "error", "ok"]);
  assert.match(out[0].reason!, /not a read-only query \(DELETE emp\)/);
  assert.match(out[2].reason!, /ATTACH/);
  assert.match(out[3].reason!, /longer than 1500 ms/);
  assert.equal(out[4].reward, 1); // the pool recovers after killing the hung process
  assert.deepEqual({ hash: digest(dbPath), mtime: statSync(dbPath).mtimeMs }, before);
  assert.ok(!existsSync(join(dir, "new.sqlite")));
});

test("sql reward: inline schema + rows, database templates, malformed predictions and references", async () => {
  const inline = { query: "SELECT a FROM t", schema: "CREATE TABLE t(a INTEGER)", rows: { t: [{ a: 1 }, [2]] } };
  const r = reward({ database: "{db_id}.sqlite" });
  const samples: Sample[] = [
    { completion: "SELECT a FROM t ORDER BY a DESC", reference: inline },
    { completion: "SELECT name FROM emp WHERE dept = 'eng'", reference: GOLD, meta: { db_id: "hr" } },
    { completion: "SELECT name FROM emp", reference: GOLD },
    { completion: "SELECT 1; SELECT 2", reference: inline },
    { completion: "   ", reference: inline },
    { completion: "SELECT 1", reference: GOLD, meta: { db_id: "missing" } },
    { completion: "SELECT 1", reference: { query: "SELECT nope FROM t", schema: "CREATE TABLE t(a)" } },
    { completion: "SELECT 1", reference: 42 },
    { completion: "SELECT 1", reference: GOLD, meta: { db_id: "../hr" } },
  ];
  const out = (await r.score(samples)) as RewardResult[];
  assert.equal(out[0].reward, 1);
  assert.equal(out[1].reward, 1);
  assert.equal(out[2].status, "unscorable");
  assert.match(out[2].reason!, /no "db_id" field/);
  assert.deepEqual(out[3].components?.execution, { reward: 0, status: "ok", reason: "2 statements; one query expected" });
  assert.deepEqual(out[4], { reward: 0, status: "ok", reason: "no SQL found" });
  assert.equal(out[5].status, "unscorable");
  assert.match(out[5].reason!, /cannot be opened/);
  assert.equal(out[6].status, "unscorable");
  assert.match(out[6].reason!, /reference query fails: no such column: nope/);
  assert.equal(out[7].status, "unscorable");
  assert.equal(out[8].status, "unscorable"); // a record cannot steer the template out of its directory
  assert.match(out[8].reason!, /"db_id" \("\.\.\/hr"\) is not a plain name/);
  assert.throws(() => sqlReward.options.parse({ weights: { execution: 0 } }), /at least one positive weight/);
});

test("sql reward: close() settles the queries still running or queued (as errors) instead of leaving them pending forever", { timeout: 60_000 }, async () => {
  const r = sqlReward.create(sqlReward.options.parse({ database: "hr.sqlite", timeout_ms: 600_000, workers: 1 }), { name: "sql", specDir: dir, type: "sql" });
  const hang = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
  const pending = Promise.resolve(r.score([{ completion: hang, reference: GOLD }, { completion: GOLD, reference: GOLD }]));
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the hanging query is running
  await r.close?.();
  const out = (await pending) as RewardResult[];
  assert.equal(out[0].status, "error");
  assert.match(out[0].reason!, /closed/);
});
