#!/usr/bin/env python3
"""Compares the outputs of two runs of the same notebooks, cell by cell (code cells matched by
order): stdout/stderr text with wall-clock figures masked, display data (SVG, HTML, text)
byte for byte. For "no behaviour change" claims: run scripts/check/run-notebooks.py --no-sets
in two checkouts, then compare their target/notebooks/.

    scripts/measure/compare-notebooks.py DIR_A DIR_B NOTEBOOK_NAME...
"""
import json, re, sys
from pathlib import Path

def outs(path):
    nb = json.load(open(path))
    cells = []
    for c in nb["cells"]:
        if c["cell_type"] != "code":
            continue
        o = []
        for out in c.get("outputs", []):
            if out.get("output_type") == "stream":
                o.append(("stream", out["name"], "".join(out["text"])))
            elif "data" in out:
                for k, v in sorted(out["data"].items()):
                    o.append(("data", k, "".join(v) if isinstance(v, list) else v))
            elif out.get("output_type") == "error":
                o.append(("error", out.get("ename", ""), out.get("evalue", "")))
        cells.append(("".join(c["source"]), o))
    return cells

def mask(t):
    return re.sub(r"[0-9.]+(e-?\d+)? s\b", "<T> s", re.sub(r"simulated in [0-9.]+ s", "simulated in <T> s", t))

a_dir, b_dir = Path(sys.argv[1]), Path(sys.argv[2])
total = same = 0
for name in sys.argv[3:]:
    a, b = outs(a_dir / name), outs(b_dir / name)
    if len(a) != len(b):
        print(f"{name}: {len(a)} vs {len(b)} code cells")
    for k, ((sa, oa), (sb, ob)) in enumerate(zip(a, b)):
        total += 1
        if len(oa) != len(ob):
            print(f"{name} cell {k}: {len(oa)} vs {len(ob)} outputs"); continue
        diff = False
        for (ka, na, ta), (kb, nb_, tb) in zip(oa, ob):
            if (ka, na) != (kb, nb_):
                diff = True; print(f"{name} cell {k}: {ka}/{na} vs {kb}/{nb_}"); break
            if ka == "stream" and mask(ta) != mask(tb):
                diff = True; print(f"{name} cell {k} {na}:\n  A: {ta[:300]!r}\n  B: {tb[:300]!r}"); break
            if ka != "stream" and ta != tb:
                diff = True; print(f"{name} cell {k} {na}: differs ({len(ta)} vs {len(tb)} chars)"); break
        if not diff:
            same += 1
print(f"{same} of {total} code cells give the same outputs")
