import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EOS, VOCAB } from "./tokenizer.ts";

/**
 * The test model: a tiny pre-LayerNorm GPT (learned positions, tanh-GELU MLP, untied output head)
 * trained by scripts/testbed/train.py. A plain float32 forward pass with a KV cache.
 */
export interface TestModelConfig {
  vocab_size: number;
  d_model: number;
  n_layer: number;
  n_head: number;
  d_ff: number;
  n_ctx: number;
  parameters: number;
  tensors: Array<{ name: string; shape: number[]; offset: number }>;
  [k: string]: unknown;
}

interface Layer {
  ln1g: Float32Array; ln1b: Float32Array; wqkv: Float32Array; bqkv: Float32Array; wo: Float32Array; bo: Float32Array;
  ln2g: Float32Array; ln2b: Float32Array; w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array;
}

export interface TestModel {
  config: TestModelConfig;
  /** Size of the weights file in bytes. */
  weightsBytes: number;
  /** Milliseconds it took to read and lay out the weights (the first load). */
  loadMs: number;
  /** A fresh decoding state (KV cache) at position 0. */
  session(): DecodeSession;
}

export interface DecodeSession {
  /** Tokens fed so far. */
  readonly length: number;
  /** Feeds one token and returns the next-token log-probabilities (natural log, all of the vocabulary). */
  feed(token: number): Float64Array;
  /** A copy at the same position, sharing nothing (for branching n samples off one prompt). */
  fork(): DecodeSession;
}

export const WEIGHTS_DIR = fileURLToPath(new URL("./weights/", import.meta.url));

let cached: TestModel | undefined;

/** The shipped model, loaded once per process. */
export function loadTestModel(): TestModel {
  cached ??= readModel(WEIGHTS_DIR);
  return cached;
}

export function readModel(dir: string): TestModel {
  const t0 = performance.now();
  const config = JSON.parse(readFileSync(`${dir}/config.json`, "utf8")) as TestModelConfig;
  if (config.vocab_size !== VOCAB.length) throw new Error(`weights are for a vocabulary of ${config.vocab_size}, the tokenizer has ${VOCAB.length}`);
  const buf = readFileSync(`${dir}/weights.bin`);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const t = (name: string): Float32Array => {
    const spec = config.tensors.find((x) => x.name === name);
    if (!spec) throw new Error(`weights lack tensor ${name}`);
    return all.subarray(spec.offset, spec.offset + spec.shape.reduce((a, b) => a * b, 1));
  };
  const layers: Layer[] = [];
  for (let l = 0; l < config.n_layer; l++) {
    const p = (s: string) => t(`h${l}.${s}`);
    layers.push({
      ln1g: p("ln1.g"), ln1b: p("ln1.b"), wqkv: p("attn.wqkv"), bqkv: p("attn.bqkv"), wo: p("attn.wo"), bo: p("attn.bo"),
      ln2g: p("ln2.g"), ln2b: p("ln2.b"), w1: p("mlp.w1"), b1: p("mlp.b1"), w2: p("mlp.w2"), b2: p("mlp.b2"),
    });
  }
  const weights = { wte: t("wte"), wpe: t("wpe"), lnfg: t("lnf.g"), lnfb: t("lnf.b"), headw: t("head.w"), headb: t("head.b"), layers };
  const model: TestModel = {
    config,
    weightsBytes: statSync(`${dir}/weights.bin`).size,
    loadMs: 0,
    session: () => newSession(config, weights),
  };
  model.loadMs = performance.now() - t0;
  return model;
}

type Weights = { wte: Float32Array; wpe: Float32Array; lnfg: Float32Array; lnfb: Float32Array; headw: Float32Array; headb: Float32Array; layers: Layer[] };

function newSession(c: TestModelConfig, w: Weights, from?: { pos: number; keys: Float32Array[]; values: Float32Array[] }): DecodeSession {
  const d = c.d_model;
  const hd = d / c.n_head;
  const keys = from ? from.keys.map((k) => k.slice()) : w.layers.map(() => new Float32Array(c.n_ctx * d));
  const values = from ? from.values.map((v) => v.slice()) : w.layers.map(() => new Float32Array(c.n_ctx * d));
  let pos = from?.pos ?? 0;
  const x = new Float32Array(d);
  const h = new Float32Array(d);
  const qkv = new Float32Array(3 * d);
  const att = new Float32Array(d);
  const ff = new Float32Array(c.d_ff);
  const scores = new Float64Array(c.n_ctx);
  const logits = new Float64Array(c.vocab_size);
  const scale = 1 / Math.sqrt(hd);

  const feed = (token: number): Float64Array => {
    if (pos >= c.n_ctx) throw new Error(`the test model's context is ${c.n_ctx} tokens`);
    if (!Number.isInteger(token) || token < 0 || token >= c.vocab_size) throw new Error(`token id ${token} is out of range`);
    for (let i = 0; i < d; i++) x[i] = w.wte[token * d + i] + w.wpe[pos * d + i];
    for (let l = 0; l < w.layers.length; l++) {
      const L = w.layers[l];
      layerNorm(x, L.ln1g, L.ln1b, h);
      matVec(h, L.wqkv, L.bqkv, qkv);
      const K = keys[l];
      const V = values[l];
      K.set(qkv.subarray(d, 2 * d), pos * d);
      V.set(qkv.subarray(2 * d, 3 * d), pos * d);
      for (let head = 0; head < c.n_head; head++) {
        const o = head * hd;
        let max = -Infinity;
        for (let t = 0; t <= pos; t++) {
          let s = 0;
          for (let i = 0; i < hd; i++) s += qkv[o + i] * K[t * d + o + i];
          s *= scale;
          scores[t] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let t = 0; t <= pos; t++) sum += scores[t] = Math.exp(scores[t] - max);
        for (let i = 0; i < hd; i++) {
          let acc = 0;
          for (let t = 0; t <= pos; t++) acc += scores[t] * V[t * d + o + i];
          att[o + i] = acc / sum;
        }
      }
      addMatVec(att, L.wo, L.bo, x);
      layerNorm(x, L.ln2g, L.ln2b, h);
      matVec(h, L.w1, L.b1, ff);
      for (let i = 0; i < ff.length; i++) {
        const u = ff[i];
        ff[i] = 0.5 * u * (1 + Math.tanh(0.7978845608028654 * (u + 0.044715 * u * u * u)));
      }
      addMatVec(ff, L.w2, L.b2, x);
    }
    layerNorm(x, w.lnfg, w.lnfb, h);
    for (let j = 0; j < c.vocab_size; j++) logits[j] = w.headb[j];
    for (let i = 0; i < d; i++) {
      const hi = h[i];
      const row = i * c.vocab_size;
      for (let j = 0; j < c.vocab_size; j++) logits[j] += hi * w.headw[row + j];
    }
    pos++;
    return logSoftmax(logits);
  };

  return {
    get length() {
      return pos;
    },
    feed,
    fork: () => newSession(c, w, { pos, keys, values }),
  };
}

function layerNorm(x: Float32Array, g: Float32Array, b: Float32Array, out: Float32Array): void {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  const rstd = 1 / Math.sqrt(v / n + 1e-5);
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) * rstd * g[i] + b[i];
}

/** out = x · W + b, with W stored row-major as (in, out). */
function matVec(x: Float32Array, W: Float32Array, b: Float32Array, out: Float32Array): void {
  const m = out.length;
  out.set(b);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const row = i * m;
    for (let j = 0; j < m; j++) out[j] += xi * W[row + j];
  }
}

/** acc += x · W + b. */
function addMatVec(x: Float32Array, W: Float32Array, b: Float32Array, acc: Float32Array): void {
  const m = acc.length;
  const tmp = new Float32Array(m);
  matVec(x, W, b, tmp);
  for (let j = 0; j < m; j++) acc[j] += tmp[j];
}

function logSoftmax(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
  return out;
}

export { EOS };
