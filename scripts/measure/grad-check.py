#!/usr/bin/env python3
"""Our backpropagation through time against PyTorch autograd, side by side in one run.

For random spiking networks (1 to 3 layers of LIF neurons, reset by subtraction, with and
without bias, fast-sigmoid and arctan surrogates; every third model's hidden layers
recurrent, every fourth model's readout the non-spiking leaky integrator with the loss on its
maximum membrane), random batches that include a sample sitting exactly at a threshold and
layers that never fire: `snn grad` (ours, f64) against
* snnTorch 1.0: `snn.Leaky(beta, threshold, reset_mechanism="subtract", spike_grad=...)` with
  float64 weights, state and parameters, run step by step as its tutorials do, loss `ce_count`
  (counts' cross-entropy). Its surrogate functions return the spike as float32
  (`(input_ > 0).float()` in snntorch/surrogate.py), so the gradient through each spike is
  rounded to float32: agreement at float32's precision (about 1e-7), reported, not the target;
* plain torch: the same equations written out, the spike a custom autograd function.
Prints each model's largest relative difference of any gradient entry, and the summary.

    $(scripts/check/interop-setup) scripts/measure/grad-check.py [--models 30] [--seed 1]
"""
import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
SNN = ROOT / "target" / "release" / "snn"
torch.set_default_dtype(torch.float64)


class Spike(torch.autograd.Function):
    """H(u) forward (a spike needs u > 0); the surrogate backward."""

    @staticmethod
    def forward(ctx, u, kind, k):
        ctx.save_for_backward(u)
        ctx.kind, ctx.k = kind, k
        return (u > 0).to(u.dtype)

    @staticmethod
    def backward(ctx, g):
        (u,) = ctx.saved_tensors
        if ctx.kind == "fast-sigmoid":
            d = 1.0 / (1.0 + ctx.k * u.abs()) ** 2
        else:
            d = (ctx.k / 2) / (1 + (math.pi / 2 * ctx.k * u) ** 2)
        return g * d, None, None


def plain_torch(model, x, y):
    t = lambda a: torch.tensor(a, requires_grad=True) if a is not None else None
    layers = [(t(l["w"]), t(l["b"]), t(l.get("w_rec")), l["beta"], l["threshold"])
              for l in model["layers"]]
    k = model["slope"]
    integrator = model["loss"] == "max_membrane"
    inp_seq = [x] * model["steps"]
    for i, (w, b, r, beta, th) in enumerate(layers):
        v = torch.zeros(x.shape[0], w.shape[0])
        s = torch.zeros_like(v)
        out, vs = [], []
        for inp in inp_seq:
            cur = inp @ w.T + (b if b is not None else 0)
            if r is not None:
                cur = cur + s @ r.T  # the recurrent input carries a gradient; the reset not
            v = beta * v + cur - th * s.detach()
            vs.append(v)
            if integrator and i == len(layers) - 1:
                continue
            s = Spike.apply(v - th, model["surrogate"], k)
            out.append(s)
        inp_seq = out
    scores = torch.stack(vs).max(0).values if integrator else torch.stack(inp_seq).sum(0)
    loss = torch.nn.functional.cross_entropy(scores, y)
    loss.backward()
    return loss.item(), [(w.grad.numpy(), b.grad.numpy() if b is not None else None,
                          r.grad.numpy() if r is not None else None) for w, b, r, _, _ in layers]


def snntorch(model, x, y):
    import snntorch as snn
    from snntorch import surrogate
    sg = (surrogate.fast_sigmoid(slope=model["slope"]) if model["surrogate"] == "fast-sigmoid"
          else surrogate.atan(alpha=model["slope"]))
    mods = []
    for l in model["layers"]:
        w = torch.tensor(l["w"])
        lin = torch.nn.Linear(w.shape[1], w.shape[0], bias=l["b"] is not None)
        with torch.no_grad():
            lin.weight.copy_(w)
            if l["b"] is not None:
                lin.bias.copy_(torch.tensor(l["b"]))
        lif = snn.Leaky(beta=torch.tensor(l["beta"]), threshold=torch.tensor(l["threshold"]),
                        spike_grad=sg, reset_mechanism="subtract")
        mods.append((lin, lif))
    mems = [torch.zeros(x.shape[0], lin.out_features) for lin, _ in mods]
    rec = []
    for _ in range(model["steps"]):
        inp = x
        for i, (lin, lif) in enumerate(mods):
            spk, mems[i] = lif(lin(inp), mems[i])
            inp = spk.to(torch.float64)  # snnTorch's spike function returns float32
        rec.append(inp)
    counts = torch.stack(rec).sum(0)
    loss = torch.nn.functional.cross_entropy(counts, y)
    loss.backward()
    return loss.item(), [(lin.weight.grad.numpy(), lin.bias.grad.numpy() if lin.bias is not None else None, None)
                         for lin, _ in mods]


def random_model(rng, m):
    depth = 1 + m % 3
    sizes = [int(rng.integers(2, 7)) for _ in range(depth + 1)]
    surrogate = "fast-sigmoid" if m % 2 == 0 else "atan"
    layers = []
    for l in range(depth):
        w = rng.uniform(-1.0, 1.6, (sizes[l + 1], sizes[l]))
        if m % 5 == 4 and l == 0:
            w[0] = -abs(w[0])  # a neuron that never fires (inputs are >= 0 below)
        layers.append({"w": w.tolist(),
                       "b": rng.uniform(-0.3, 0.6, sizes[l + 1]).tolist() if (m + l) % 2 == 0 else None,
                       "beta": float(rng.choice([0.8, 0.9, 0.95, 1.0])),
                       "threshold": float(rng.choice([0.5, 1.0, 1.25]))})
    if m % 3 == 2:
        for l in range(depth - 1):
            n = sizes[l + 1]
            layers[l]["w_rec"] = rng.uniform(-0.8, 0.8, (n, n)).tolist()
    loss = "max_membrane" if m % 4 == 3 else "ce_count"
    model = {"layers": layers, "steps": int(rng.integers(5, 30)), "surrogate": surrogate,
             "slope": float(rng.choice([2.0, 5.0, 25.0])), "loss": loss}
    x = rng.uniform(0.0, 2.0, (int(rng.integers(3, 9)), sizes[0]))
    # A sample exactly at a threshold: one input, weights so the first neuron's first
    # current is the threshold (v_1 = theta: no spike, the surrogate's full slope).
    first = layers[0]
    if first["b"] is None:
        x[0] = 0.0
        x[0, 0] = first["threshold"] / first["w"][0][0] if first["w"][0][0] != 0 else 0.0
    y = rng.integers(0, sizes[-1], x.shape[0])
    return model, x, y


def ours(model, x, y, tmp):
    (tmp / "m.json").write_text(json.dumps(model))
    np.savetxt(tmp / "x.csv", x, delimiter=",", fmt="%.17g")
    np.savetxt(tmp / "y.csv", y, fmt="%d")
    r = subprocess.run([str(SNN), "grad", "--model", tmp / "m.json", "--inputs", tmp / "x.csv",
                        "--labels", tmp / "y.csv"], capture_output=True, text=True, check=True)
    out = json.loads(r.stdout)
    return out["loss"], [(np.array(g["w"]), np.array(g["b"]) if g["b"] is not None else None,
                          np.array(g["w_rec"]) if "w_rec" in g else None)
                         for g in out["grads"]], np.array(out["counts"])


def rel(a, b):
    scale = max(np.abs(b).max(), 1e-300)
    return float(np.abs(a - b).max() / scale) if b.size else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    worst = {"plain torch": 0.0, "snnTorch": 0.0}
    nonzero = total = 0
    recurrent = 0
    print("| model | layers | recurrent | readout | steps | surrogate | samples | vs plain torch | vs snnTorch |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for m in range(args.models):
            model, x, y = random_model(rng, m)
            loss, grads, counts = ours(model, x, y, tmp)
            row = []
            plain = model["loss"] == "max_membrane" or any("w_rec" in l for l in model["layers"])
            for name, fn in (("plain torch", plain_torch), ("snnTorch", snntorch)):
                if plain and name == "snnTorch":
                    row.append("(plain torch only)")
                    continue
                tl, tg = fn(model, torch.tensor(x), torch.tensor(y))
                err = abs(loss - tl) / max(abs(tl), 1e-300)
                for (gw, gb, gr), (tw, tb, tr) in zip(grads, tg):
                    err = max(err, rel(gw, tw), rel(gb, tb) if tb is not None else 0.0,
                              rel(gr, tr) if tr is not None else 0.0)
                    if (tr is None) != (gr is None):
                        err = math.inf
                worst[name] = max(worst[name], err)
                row.append(f"{err:.1e}")
            for gw, _, gr in grads:
                if gr is not None:
                    recurrent += int((np.abs(gr) > 1e-12).sum())
                nonzero += int((np.abs(gw) > 1e-12).sum())
                total += gw.size
            sizes = [len(model["layers"][0]["w"][0])] + [len(l["w"]) for l in model["layers"]]
            rec = "yes" if any("w_rec" in l for l in model["layers"]) else "no"
            print(f"| {m} | {sizes} | {rec} | {model['loss']} | {model['steps']} | "
                  f"{model['surrogate']} {model['slope']:g} | {x.shape[0]} | {row[0]} | {row[1]} |")
    ok = worst["plain torch"] <= 1e-9 and worst["snnTorch"] <= 1e-6
    print(f"\nlargest relative difference: plain torch {worst['plain torch']:.1e}, snnTorch "
          f"{worst['snnTorch']:.1e} over {args.models} models; {nonzero} of {total} weight "
          f"gradients nonzero ({recurrent} recurrent ones); {'within' if ok else 'NOT within'} 1e-9 of plain torch (and 1e-6 of "
          f"snnTorch, whose spikes are float32)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
