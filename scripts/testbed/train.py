"""Trains the rewardsmith test model (a tiny GPT over the arithmetic world) with numpy only.

Usage: python3 scripts/testbed/train.py DATA.bin OUT_DIR [--seed 1] [--steps N] ...
DATA.bin comes from scripts/testbed/dump-data.ts. Writes OUT_DIR/config.json and
OUT_DIR/weights.bin (float32, little-endian, tensors in config order). One BLAS thread, so a
rerun with the same seed and arguments reproduces the file bit for bit on the same machine.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import json
import math
import sys
import time

import numpy as np

VOCAB = 31  # src/testing/testmodel/tokenizer.ts VOCAB.length
EOS = 0


def load(path):
    raw = np.fromfile(path, dtype=np.uint8)
    seqs, i = [], 0
    while i < len(raw):
        n = int(raw[i])
        seqs.append(raw[i + 1 : i + 1 + n].astype(np.int64))
        i += 1 + n
    lens = np.array([len(s) for s in seqs])
    data = np.zeros((len(seqs), lens.max()), dtype=np.int64)
    for j, s in enumerate(seqs):
        data[j, : len(s)] = s
    return data, lens


def init(rng, d, layers, ff, ctx):
    f32 = np.float32
    std, proj = 0.02, 0.02 / math.sqrt(2 * layers)
    p = {"wte": rng.normal(0, std, (VOCAB, d)).astype(f32), "wpe": rng.normal(0, std, (ctx, d)).astype(f32)}
    for l in range(layers):
        p[f"h{l}.ln1.g"] = np.ones(d, f32)
        p[f"h{l}.ln1.b"] = np.zeros(d, f32)
        p[f"h{l}.attn.wqkv"] = rng.normal(0, std, (d, 3 * d)).astype(f32)
        p[f"h{l}.attn.bqkv"] = np.zeros(3 * d, f32)
        p[f"h{l}.attn.wo"] = rng.normal(0, proj, (d, d)).astype(f32)
        p[f"h{l}.attn.bo"] = np.zeros(d, f32)
        p[f"h{l}.ln2.g"] = np.ones(d, f32)
        p[f"h{l}.ln2.b"] = np.zeros(d, f32)
        p[f"h{l}.mlp.w1"] = rng.normal(0, std, (d, ff)).astype(f32)
        p[f"h{l}.mlp.b1"] = np.zeros(ff, f32)
        p[f"h{l}.mlp.w2"] = rng.normal(0, proj, (ff, d)).astype(f32)
        p[f"h{l}.mlp.b2"] = np.zeros(d, f32)
    p["lnf.g"] = np.ones(d, f32)
    p["lnf.b"] = np.zeros(d, f32)
    p["head.w"] = rng.normal(0, std, (d, VOCAB)).astype(f32)
    p["head.b"] = np.zeros(VOCAB, f32)
    return p


def ln_fwd(x, g, b):
    mu = x.mean(-1, keepdims=True)
    xc = x - mu
    rstd = 1.0 / np.sqrt((xc * xc).mean(-1, keepdims=True) + 1e-5)
    xh = xc * rstd
    return xh * g + b, (xh, rstd, g)


def ln_bwd(dy, cache):
    xh, rstd, g = cache
    dxh = dy * g
    dx = rstd * (dxh - dxh.mean(-1, keepdims=True) - xh * (dxh * xh).mean(-1, keepdims=True))
    red = tuple(range(dy.ndim - 1))
    return dx, (dy * xh).sum(red), dy.sum(red)


C = math.sqrt(2 / math.pi)


def gelu(u):
    t = np.tanh(C * (u + 0.044715 * u**3))
    return 0.5 * u * (1 + t), t


def gelu_bwd(du, u, t):
    return du * (0.5 * (1 + t) + 0.5 * u * (1 - t * t) * C * (1 + 3 * 0.044715 * u * u))


def step(p, X, Y, M, layers, heads):
    """Loss and gradients for one batch: X inputs, Y next tokens, M loss mask (B, T)."""
    B, T = X.shape
    d = p["wte"].shape[1]
    hd = d // heads
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    x = p["wte"][X] + p["wpe"][:T]
    causal = np.triu(np.full((T, T), -1e9, np.float32), 1)
    caches = []
    for l in range(layers):
        pre = f"h{l}."
        h, c1 = ln_fwd(x, p[pre + "ln1.g"], p[pre + "ln1.b"])
        qkv = h @ p[pre + "attn.wqkv"] + p[pre + "attn.bqkv"]
        q, k, v = (qkv[..., i * d : (i + 1) * d].reshape(B, T, heads, hd).transpose(0, 2, 1, 3) for i in range(3))
        att = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd) + causal
        att = att - att.max(-1, keepdims=True)
        pr = np.exp(att)
        pr /= pr.sum(-1, keepdims=True)
        o = (pr @ v).transpose(0, 2, 1, 3).reshape(B, T, d)
        x = x + o @ p[pre + "attn.wo"] + p[pre + "attn.bo"]
        h2, c2 = ln_fwd(x, p[pre + "ln2.g"], p[pre + "ln2.b"])
        u = h2 @ p[pre + "mlp.w1"] + p[pre + "mlp.b1"]
        g, t = gelu(u)
        x = x + g @ p[pre + "mlp.w2"] + p[pre + "mlp.b2"]
        caches.append((h, c1, q, k, v, pr, o, h2, c2, u, g, t))
    hf, cf = ln_fwd(x, p["lnf.g"], p["lnf.b"])
    logits = hf @ p["head.w"] + p["head.b"]
    logits = logits - logits.max(-1, keepdims=True)
    e = np.exp(logits)
    probs = e / e.sum(-1, keepdims=True)
    n = M.sum()
    lp = np.log(np.take_along_axis(probs, Y[..., None], -1)[..., 0] + 1e-30)
    loss = -(lp * M).sum() / n

    dlog = probs
    np.put_along_axis(dlog, Y[..., None], np.take_along_axis(dlog, Y[..., None], -1) - 1, -1)
    dlog *= (M / n)[..., None].astype(np.float32)
    grads["head.w"] = hf.reshape(-1, d).T @ dlog.reshape(-1, VOCAB)
    grads["head.b"] = dlog.sum((0, 1))
    dx, grads["lnf.g"], grads["lnf.b"] = ln_bwd(dlog @ p["head.w"].T, cf)
    for l in reversed(range(layers)):
        pre = f"h{l}."
        h, c1, q, k, v, pr, o, h2, c2, u, g, t = caches[l]
        grads[pre + "mlp.w2"] = g.reshape(-1, g.shape[-1]).T @ dx.reshape(-1, d)
        grads[pre + "mlp.b2"] = dx.sum((0, 1))
        du = gelu_bwd(dx @ p[pre + "mlp.w2"].T, u, t)
        grads[pre + "mlp.w1"] = h2.reshape(-1, d).T @ du.reshape(-1, du.shape[-1])
        grads[pre + "mlp.b1"] = du.sum((0, 1))
        dh2, grads[pre + "ln2.g"], grads[pre + "ln2.b"] = ln_bwd(du @ p[pre + "mlp.w1"].T, c2)
        dx = dx + dh2
        grads[pre + "attn.wo"] = o.reshape(-1, d).T @ dx.reshape(-1, d)
        grads[pre + "attn.bo"] = dx.sum((0, 1))
        do = (dx @ p[pre + "attn.wo"].T).reshape(B, T, heads, hd).transpose(0, 2, 1, 3)
        dpr = do @ v.transpose(0, 1, 3, 2)
        dv = pr.transpose(0, 1, 3, 2) @ do
        datt = pr * (dpr - (dpr * pr).sum(-1, keepdims=True)) / math.sqrt(hd)
        dq = datt @ k
        dk = datt.transpose(0, 1, 3, 2) @ q
        dqkv = np.concatenate([z.transpose(0, 2, 1, 3).reshape(B, T, d) for z in (dq, dk, dv)], -1)
        grads[pre + "attn.wqkv"] = h.reshape(-1, d).T @ dqkv.reshape(-1, 3 * d)
        grads[pre + "attn.bqkv"] = dqkv.sum((0, 1))
        dh, grads[pre + "ln1.g"], grads[pre + "ln1.b"] = ln_bwd(dqkv @ p[pre + "attn.wqkv"].T, c1)
        dx = dx + dh
    np.add.at(grads["wte"], X, dx)
    grads["wpe"][:T] = dx.sum(0)
    return loss, grads


def batch(data, lens, idx):
    T = int(lens[idx].max())
    seq = data[idx, :T]
    X, Y = seq[:, :-1], seq[:, 1:]
    M = (np.arange(1, T)[None, :] < lens[idx][:, None]).astype(np.float32)
    return X, Y, M


def save(p, out, cfg):
    os.makedirs(out, exist_ok=True)
    tensors, offset = [], 0
    with open(os.path.join(out, "weights.bin"), "wb") as f:
        for name, v in p.items():
            a = np.ascontiguousarray(v, dtype="<f4")
            f.write(a.tobytes())
            tensors.append({"name": name, "shape": list(v.shape), "offset": offset})
            offset += a.size
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({**cfg, "dtype": "float32", "parameters": offset, "tensors": tensors}, f, indent=1)
        f.write("\n")


def gradcheck():
    rng = np.random.default_rng(0)
    p = {k: v.astype(np.float64) for k, v in init(rng, 8, 2, 16, 8).items()}
    for k in p:
        if k.endswith(".b") or k.endswith("b1") or k.endswith("b2") or k.endswith("bo") or k.endswith("bqkv"):
            p[k] = rng.normal(0, 0.1, p[k].shape)
    X = rng.integers(0, VOCAB, (2, 6))
    Y = rng.integers(0, VOCAB, (2, 6))
    M = np.ones((2, 6))
    M[1, 4:] = 0
    _, g = step(p, X, Y, M, 2, 2)
    worst = 0.0
    for k, v in p.items():
        for _ in range(3):
            i = tuple(rng.integers(0, s) for s in v.shape)
            old = v[i]
            v[i] = old + 1e-5
            lp, _ = step(p, X, Y, M, 2, 2)
            v[i] = old - 1e-5
            lm, _ = step(p, X, Y, M, 2, 2)
            v[i] = old
            num = (lp - lm) / 2e-5
            worst = max(worst, abs(num - g[k][i]) / max(1e-6, abs(num) + abs(g[k][i])))
    print(f"gradcheck worst relative error {worst:.2e}")
    return worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--d", type=int, default=96)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ctx", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--stop-at", type=int, default=0, help="end early at this step (the schedule still spans --steps)")
    ap.add_argument("--save-every", type=int, default=0)
    ap.add_argument("--gradcheck", action="store_true")
    a = ap.parse_args()
    if a.gradcheck:
        sys.exit(0 if gradcheck() < 1e-4 else 1)
    data, lens = load(a.data)
    rng = np.random.default_rng(a.seed)
    ff = 4 * a.d
    p = init(rng, a.d, a.layers, ff, a.ctx)
    cfg = {"vocab_size": VOCAB, "d_model": a.d, "n_layer": a.layers, "n_head": a.heads, "d_ff": ff, "n_ctx": a.ctx,
           "seed": a.seed, "steps": a.steps, "stop_at": a.stop_at or a.steps, "batch": a.batch, "lr": a.lr}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    s = {k: np.zeros_like(v) for k, v in p.items()}
    b1, b2, wd, warm = 0.9, 0.99, 0.01, 200
    t0 = time.time()
    avg = None
    for it in range(1, (a.stop_at or a.steps) + 1):
        idx = rng.integers(0, len(lens), a.batch)
        loss, g = step(p, *batch(data, lens, idx), a.layers, a.heads)
        norm = math.sqrt(sum(float((v * v).sum()) for v in g.values()))
        clip = min(1.0, 1.0 / (norm + 1e-6))
        lr = a.lr * min(1.0, it / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * it / a.steps)))
        for k in p:
            gk = g[k] * clip
            m[k] = b1 * m[k] + (1 - b1) * gk
            s[k] = b2 * s[k] + (1 - b2) * gk * gk
            upd = (m[k] / (1 - b1**it)) / (np.sqrt(s[k] / (1 - b2**it)) + 1e-8)
            if p[k].ndim == 2 and k != "wpe":
                upd = upd + wd * p[k]
            p[k] -= (lr * upd).astype(np.float32)
        avg = loss if avg is None else 0.98 * avg + 0.02 * loss
        if it % 100 == 0 or it == 1:
            print(f"step {it} loss {avg:.4f} lr {lr:.2e} {time.time() - t0:.0f}s", flush=True)
        if a.save_every and it % a.save_every == 0 and it < a.steps:
            save(p, os.path.join(a.out, f"ckpt-{it}"), {**cfg, "stop_at": it})
    save(p, a.out, cfg)
    print(f"done in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
