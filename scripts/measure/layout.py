#!/usr/bin/env python3
"""The layout drawn from the imports: which workspace crate uses which (from each crate's
Cargo.toml), and inside each crate which module uses which (from its `use crate::...`,
`use super::...` and `crate::a::b` paths), with every circle found (strongly connected
components of more than one module) and every file's length.

    scripts/measure/layout.py [--check]

`--check` exits 1 when a crate or module circle exists or a source file is over 600 lines.
A module's own children are not counted as running back up to it (a parent declares and
re-exports its children); `use super::*` is reported by name, as it hides what it uses.
"""
import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CRATES = ROOT / "crates"
LIMIT = 600


def crate_deps():
    out = {}
    names = {p.name for p in CRATES.iterdir() if (p / "Cargo.toml").exists()}
    for c in sorted(names):
        text = (CRATES / c / "Cargo.toml").read_text()
        deps = text.split("[dependencies]", 1)[1].split("\n[", 1)[0] if "[dependencies]" in text else ""
        out[c] = sorted(n for n in names if re.search(rf"^{re.escape(n)}(\.workspace)?\s*=", deps, re.M))
    return out


def module_of(src: Path, f: Path):
    rel = f.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def modules(src: Path):
    mods = {}
    for f in sorted(src.rglob("*.rs")):
        mods[module_of(src, f)] = f
    return mods


def resolve(path, here, mods):
    """The longest known module named by `path` (a list of segments) used from `here`."""
    if not path:
        return None
    if path[0] == "crate":
        base, rest = (), path[1:]
    elif path[0] == "super":
        base, rest = here, path
        while rest and rest[0] == "super":
            base, rest = base[:-1], rest[1:]
    elif path[0] == "self":
        base, rest = here, path[1:]
    else:
        return None
    best = base if base in mods else None
    cur = base
    for seg in rest:
        cur = cur + (seg,)
        if cur in mods:
            best = cur
        else:
            break
    return best


def uses(f: Path, here, mods):
    text = re.sub(r"//[^\n]*", "", f.read_text())
    text = re.split(r"#\[cfg\(test\)\]\s*mod tests", text)[0]
    found, globs = set(), 0
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        body = re.sub(r"\s+", "", m.group(1))
        # Expand one level of braces: a::{b, c::d} -> a::b, a::c::d
        head, _, inner = body.partition("{")
        paths = [head + p for p in inner.rstrip("}").split(",")] if inner else [body]
        for p in paths:
            if p.endswith("super::*"):
                globs += 1
            segs = [s for s in p.replace("*", "").split("::") if s]
            t = resolve(segs, here, mods)
            if t is not None and t != here:
                found.add(t)
    for m in re.finditer(r"\b((?:crate|super)(?:::\w+)+)", text):
        t = resolve(m.group(1).split("::"), here, mods)
        if t is not None and t != here:
            found.add(t)
    return found, globs


def sccs(graph):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def name(m):
    return "::".join(m) or "(root)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    bad = 0
    deps = crate_deps()
    print("crates (uses):")
    for c, d in deps.items():
        print(f"  {c:10} -> {', '.join(d) or '-'}")
    for comp in sccs(deps):
        print(f"  CIRCLE between crates: {comp}")
        bad += 1
    for c in deps:
        src = CRATES / c / "src"
        mods = modules(src)
        graph, globs = {}, {}
        for m, f in mods.items():
            found, g = uses(f, m, mods)
            # A parent declaring and re-exporting its children is not a use back up.
            graph[m] = {t for t in found if not (len(t) > len(m) and t[: len(m)] == m)}
            if g:
                globs[m] = g
        print(f"\n{c}: {len(mods)} modules")
        for m in sorted(graph):
            lines = len(mods[m].read_text().splitlines())
            flag = "  OVER 600" if lines > LIMIT else ""
            deps_m = ", ".join(name(t) for t in sorted(graph[m])) or "-"
            glob = f"  [use super::* x{globs[m]}]" if m in globs else ""
            print(f"  {name(m):28} {lines:4} lines -> {deps_m}{glob}{flag}")
            if lines > LIMIT:
                bad += 1
        for comp in sccs(graph):
            print(f"  CIRCLE: {' <-> '.join(name(m) for m in comp)}")
            bad += 1
    tests = [f for f in CRATES.rglob("tests/**/*.rs")] + [f for f in CRATES.rglob("examples/*.rs")]
    for f in tests:
        n = len(f.read_text().splitlines())
        if n > LIMIT:
            print(f"  {f.relative_to(ROOT)}: {n} lines, OVER 600")
            bad += 1
    print(f"\n{bad} problem(s)")
    if args.check and bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
