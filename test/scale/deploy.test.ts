import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { parseSpec, parseSpecText } from "../../src/spec/parse.ts";
import { startTestRedis } from "../../src/testing/redis.ts";
import { ROOT, writeFiles } from "../helpers.ts";
import { spawnCli } from "./helpers.ts";

// hadolint and kubeconform are not installable offline here: these checks parse the files and
// hold them to what the deployment relies on (probes, the token's Secret, the autoscalers' metrics).

const K8S = join(ROOT, "deploy", "kubernetes");
type Doc = Record<string, any>;

function manifests(): Doc[] {
  const docs: Doc[] = [];
  for (const file of readdirSync(K8S).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")) {
    for (const d of parseAllDocuments(readFileSync(join(K8S, file), "utf8"))) {
      assert.deepEqual(d.errors, [], `${file} parses`);
      const doc = d.toJS() as Doc;
      if (doc) docs.push({ ...doc, __file: file });
    }
  }
  return docs;
}

const find = (docs: Doc[], kind: string, name: string) => {
  const d = docs.find((x) => x.kind === kind && x.metadata?.name === name);
  assert.ok(d, `a ${kind} named ${name}`);
  return d;
};

test("kubernetes: every manifest has apiVersion/kind/metadata.name, and kustomization lists every file", () => {
  const docs = manifests();
  for (const d of docs) assert.ok(d.apiVersion && d.kind && d.metadata?.name, `${d.__file}: apiVersion, kind, metadata.name`);
  const kustomization = JSON.parse(JSON.stringify(parseAllDocuments(readFileSync(join(K8S, "kustomization.yaml"), "utf8"))[0].toJS()));
  assert.deepEqual([...kustomization.resources].sort(), readdirSync(K8S).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml").sort());
});

test("kubernetes: the server Deployment probes /health and /ready, reads the token from a Secret, drains, runs as non-root", () => {
  const docs = manifests();
  const dep = find(docs, "Deployment", "rewardsmith");
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];
  assert.equal(c.livenessProbe.httpGet.path, "/health");
  assert.equal(c.readinessProbe.httpGet.path, "/ready");
  const token = c.env.find((e: Doc) => e.name === "REWARDSMITH_TOKEN");
  assert.ok(token?.valueFrom?.secretKeyRef, "the token comes from a Secret");
  const secret = find(docs, "Secret", token.valueFrom.secretKeyRef.name);
  assert.ok(token.valueFrom.secretKeyRef.key in secret.stringData);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.notEqual(pod.securityContext.runAsUser, 0);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.equal(c.args[0], "serve");
  const drain = Number(c.args[c.args.indexOf("--drain-ms") + 1]);
  const shutdown = Number(c.args[c.args.indexOf("--shutdown-timeout-ms") + 1]);
  assert.ok(drain > 0 && (drain + shutdown) / 1000 < pod.terminationGracePeriodSeconds, "drain + shutdown fit in the grace period");
  assert.ok(c.resources.requests.cpu, "a CPU request (the HPA's utilisation is relative to it)");
  // The Service selects these pods on the named port.
  const svc = find(docs, "Service", "rewardsmith");
  for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(dep.spec.template.metadata.labels[k], v);
  assert.ok(c.ports.some((p: Doc) => p.name === svc.spec.ports[0].targetPort));
  // The spec in the ConfigMap is a valid spec.
  const cm = find(docs, "ConfigMap", pod.volumes.find((v: Doc) => v.configMap).configMap.name);
  const spec = parseSpec(parseSpecText(cm.data["spec.yaml"], "spec-configmap.yaml"), { file: "spec-configmap.yaml" });
  assert.ok(spec.rewards.length > 0);
});

test("kubernetes: autoscalers on CPU (server) and on queue depth (workers), Redis behind the queue URL", () => {
  const docs = manifests();
  const serverHpa = find(docs, "HorizontalPodAutoscaler", "rewardsmith");
  assert.equal(serverHpa.apiVersion, "autoscaling/v2");
  find(docs, "Deployment", serverHpa.spec.scaleTargetRef.name);
  assert.ok(serverHpa.spec.metrics.some((m: Doc) => m.type === "Resource" && m.resource.name === "cpu"));
  const workerHpa = find(docs, "HorizontalPodAutoscaler", "rewardsmith-worker");
  const worker = find(docs, "Deployment", workerHpa.spec.scaleTargetRef.name);
  const external = workerHpa.spec.metrics.find((m: Doc) => m.type === "External");
  assert.equal(external.external.metric.name, "bullmq_job_count");
  assert.equal(external.external.metric.selector.matchLabels.state, "waiting");
  const args: string[] = worker.spec.template.spec.containers[0].args;
  assert.equal(args[0], "worker");
  const queue = new URL(args[args.indexOf("--queue") + 1]);
  const redisSvc = find(docs, "Service", queue.hostname);
  assert.equal(String(redisSvc.spec.ports[0].port), queue.port);
  find(docs, "Deployment", "rewardsmith-redis");
  assert.ok(args.includes("--metrics-port"), "workers export the queue depth");
  // The adapter serves that metric under the HPA's name, counting each queue once however many workers export it.
  const adapter = parseAllDocuments(readFileSync(join(K8S, "metrics", "prometheus-adapter-values.yaml"), "utf8"))[0].toJS() as Doc;
  const rule = adapter.rules.external.find((r: Doc) => r.name.as === external.external.metric.name);
  assert.ok(rule, "an external rule for the HPA's metric");
  assert.match(rule.seriesQuery, /state="waiting"/);
  assert.match(rule.metricsQuery, /max by \(queue, state\)/);
});

test("Dockerfile: multi-stage, non-root USER, bubblewrap in the runtime stage, HEALTHCHECK on /ready", () => {
  const text = readFileSync(join(ROOT, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const froms = lines.map((l, i) => [l, i] as const).filter(([l]) => /^FROM /i.test(l));
  assert.ok(froms.length >= 2, "at least two stages");
  const names = froms.map(([l]) => l.match(/ AS (\S+)/i)?.[1]);
  const final = lines.slice(froms.at(-1)![1]);
  assert.ok(final.some((l) => new RegExp(`^COPY --from=(${names.slice(0, -1).join("|")})`).test(l)), "the runtime copies from the build stage");
  assert.ok(final.some((l) => /^RUN .*apt-get install .*\bbubblewrap\b/.test(l)), "bubblewrap in the runtime image");
  const user = final.filter((l) => /^USER /.test(l)).at(-1);
  assert.ok(user && !/^USER (root|0)(:|$)/.test(user), "a non-root USER");
  const hc = final.find((l) => /^HEALTHCHECK /.test(l));
  assert.match(hc ?? "", /\/ready/);
});

test("docker-compose: several serve replicas behind one balancer, workers, and the Redis their URLs name", () => {
  const compose = parseAllDocuments(readFileSync(join(ROOT, "docker-compose.yml"), "utf8"))[0].toJS() as Doc;
  const s = compose.services;
  assert.ok(s.server.deploy.replicas >= 2);
  assert.ok(s.worker.deploy.replicas >= 2);
  assert.ok(s.balancer.ports.length > 0 && !s.server.ports, "one published address: the balancer");
  const nginx = readFileSync(join(ROOT, s.balancer.volumes[0].split(":")[0]), "utf8");
  assert.match(nginx, /server server:8000/);
  const queue = new URL(s.worker.command[s.worker.command.indexOf("--queue") + 1]);
  assert.ok(s[queue.hostname], "the queue host is a service");
  assert.equal(s.server.command[0], "serve");
});

test("worker --metrics-port: the queue depth the autoscaler reads (bullmq_job_count, state waiting)", async () => {
  const redis = await startTestRedis();
  const dir = writeFiles({ "s.yaml": "rewards:\n  e: {type: exact}\n" });
  const worker = spawnCli(["worker", "--queue", redis.url, "--spec", join(dir, "s.yaml"), "--metrics-port", "0"]);
  try {
    const [, url] = await worker.waitFor(/metrics at (http:\/\/\S+)/);
    const text = await (await fetch(url)).text();
    assert.match(text, /^bullmq_job_count\{queue="score-[0-9a-f]{16}", state="waiting"\} 0$/m);
  } finally {
    await worker.kill();
    await redis.close();
  }
});
