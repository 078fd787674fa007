#!/usr/bin/env python3
"""Executes notebooks with the real Rust kernel (evcxr), one cell at a time, and fails a
notebook on what nbconvert and papermill let through:

* any error output (a compile error, an error through `?`, a panic: the project's kernel
  reports all three as the cell's error) or any text on stderr in a cell not tagged
  `raises-exception`; after every cell the kernel's output channel is drained for a moment
  and anything late is charged to the cell it belongs to (the patched kernel sends none; stock
  evcxr did), and a sentinel cell at the end catches anything later still;
* a cell that makes the kernel run rust-analyzer (a top-level `let` without its type: the
  notebooks type every one, so no cell pays for inference) or validate a `:dep` again with
  `cargo metadata` (a warm build folder has validated it already), from the kernel's log
  (SNN_KERNEL_LOG);
* a cell tagged `raises-exception` that did not fail;
* a cell tagged `chart` that produced no `image/svg+xml` output, or a cell tagged `player`
  that produced no `text/html` sweep or animation (a `snn-player` block).

Then the learner's tweak, in the same kernel: a notebook's metadata lists alternative
parameter sets (`metadata.snn.parameter_sets`: `{"name", "set": {variable: Rust value},
"expect_error"?}`). For each set, the cell tagged `parameters` is edited (each named `let`
gets the new value; a name the cell does not define fails the run, so sets cannot rot) and
that cell and every cell below it are run again, as "Run Selected Cell and All Below" does.
A set with `expect_error` is run as JupyterLab's *Run Selected Cell and All Below* sends it:
every cell from the parameter cell down queued at once. The first failing cell must show
exactly one error output, an error returned through `?` (not a compile error or a panic) whose
one line contains that text, and nothing on stderr; every cell before it must succeed and
every cell after it must be aborted by the kernel with no output at all. Then the learner
fixes the value: the default parameters, queued the same way, must run every cell below
without an error.

Then a held-in fuzz (`--fuzz N`, N draws per notebook): the notebook's metadata gives each
parameter's documented range (`metadata.snn.fuzz`: `{variable: {"f64"|"int": [lo, hi],
"log"?, "at_most"? or "at_least"?: a variable listed before it} | {"bool": true} | {"choice": [Rust values]}}`); each draw sets every parameter at
once to a random value in its range (seeded by `--fuzz-seed`, the notebook and the draw, so a
failure can be run again) and queues the parameter cell and all below. A draw passes when
every cell runs, or when the first failing cell shows one clear one-line error through `?`
that names one of the parameters (ranges drawn independently can contradict each other, such
as v_reset above v_th) with every later cell aborted; a panic, a compile error, anything on
stderr or an error naming no parameter fails it. The summary counts both outcomes, so what
the fuzz really exercised is visible.

Executed copies (with outputs and per-cell timings) are written to target/notebooks/ (one
per parameter set as NAME.SET.ipynb); the notebooks in notebooks/ stay without outputs.
Ends with `notebooks: N passed, N failed`, counting every run (default and each set).

    scripts/check/run-notebooks.py [NOTEBOOK ...]     (default: every notebooks/*.ipynb)
    scripts/check/run-notebooks.py --no-sets ...      default runs only
    scripts/check/run-notebooks.py --fuzz 3 --fuzz-seed 9 ...
"""
import argparse
import json
import math
import os
import queue
import random
import re
import sys
import time
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbparams import set_parameters  # noqa: E402
PANIC = "panicked at"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def drain(client, seconds):
    """Messages that arrive on iopub within `seconds` (late stderr from evcxr)."""
    msgs, end = [], time.time() + seconds
    while True:
        left = end - time.time()
        if left <= 0:
            return msgs
        try:
            msgs.append(run_sync(client.kc.get_iopub_msg)(timeout=left))
        except queue.Empty:
            return msgs


def stderr_text(outputs):
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr")


class KernelLog:
    """The kernel's own log (SNN_KERNEL_LOG): what it ran rust-analyzer or cargo metadata for."""

    def __init__(self, path):
        self.path, self.seen = path, 0
        path.unlink(missing_ok=True)

    def new_events(self):
        lines = self.path.read_text().splitlines() if self.path.exists() else []
        out, self.seen = lines[self.seen:], len(lines)
        return out


def slug(name):
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60]


class Runner:
    """One kernel for one notebook: cells are executed one at a time and checked."""

    def __init__(self, client, settle, log):
        self.client, self.settle, self.log = client, settle, log

    def queue_cells(self, nb, indices, timeout):
        """Sends the cells at once, as JupyterLab's run commands do; fills each cell's outputs
        from the messages that answer it; returns each cell's reply status."""
        kc = self.client.kc
        ids = {}
        for idx in indices:
            nb.cells[idx].outputs = []
            ids[kc.execute(nb.cells[idx].source, stop_on_error=True)] = idx
        status, idle = {}, set()
        end = time.time() + timeout
        while (len(status) < len(ids) or len(idle) < len(ids)) and time.time() < end:
            try:
                m = run_sync(kc.get_shell_msg)(timeout=0.05)
                if m["parent_header"].get("msg_id") in ids:
                    status[ids[m["parent_header"]["msg_id"]]] = m["content"]["status"]
            except queue.Empty:
                pass
            for m in drain(self.client, 0.01):
                idx = ids.get(m["parent_header"].get("msg_id"))
                if idx is None:
                    continue
                if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    idle.add(idx)
                elif m["msg_type"] in ("stream", "error", "execute_result", "display_data"):
                    nb.cells[idx].outputs.append(nbformat.v4.output_from_msg(m))
        for m in drain(self.client, self.settle):
            idx = ids.get(m["parent_header"].get("msg_id"))
            if idx is not None and m["msg_type"] in ("stream", "error", "execute_result", "display_data"):
                nb.cells[idx].outputs.append(nbformat.v4.output_from_msg(m))
        return [status.get(idx, "no reply") for idx in indices]

    def run_below_expecting_error(self, nb, first, expect_error, problems, label, timeout):
        """Run Selected Cell and All Below with an invalid value: see the module's doc."""
        indices = [i for i in range(first, len(nb.cells)) if nb.cells[i].cell_type == "code"]
        statuses = self.queue_cells(nb, indices, timeout)
        failed = [k for k, st in enumerate(statuses) if st != "ok"]
        if not failed:
            problems.append(f"{label}expected an error containing {expect_error!r}, but every cell ran")
            return
        k = failed[0]
        idx = indices[k]
        cell = nb.cells[idx]
        where = f"{label}cell {idx} ({cell.source.splitlines()[0][:60] if cell.source else ''!r})"
        errs = [o for o in cell.outputs if o.get("output_type") == "error"]
        err_text = ANSI.sub("", stderr_text(cell.outputs)).strip()
        if statuses[k] != "error" or len(errs) != 1:
            problems.append(f"{where}: expected one error output, got status {statuses[k]} and {len(errs)} error outputs")
        elif errs[0].get("ename") != "Err":
            text = ANSI.sub("", errs[0].get("evalue", ""))
            problems.append(f"{where}: expected a clear error containing {expect_error!r}, got a {errs[0].get('ename')}: {text[:300]}")
        else:
            text = errs[0].get("evalue", "")
            if len(text.strip().splitlines()) != 1:
                problems.append(f"{where}: expected one line of error, got {len(text.strip().splitlines())}: {text[:300]}")
            elif expect_error not in text:
                problems.append(f"{where}: expected an error containing {expect_error!r}, got: {text[:300]}")
        if err_text:
            problems.append(f"{where}: stderr beside the error: {err_text[:300]}")
        for j in range(k):
            if any(o.get("output_type") == "error" for o in nb.cells[indices[j]].outputs):
                problems.append(f"{label}cell {indices[j]} before the failing one shows an error")
        for j in range(k + 1, len(indices)):
            later = nb.cells[indices[j]]
            if statuses[j] != "aborted" or later.outputs:
                problems.append(f"{label}cell {indices[j]}, queued after the error: {statuses[j]} with "
                                f"{len(later.outputs)} outputs (expected aborted, nothing shown)")

    def run_below_fixed(self, nb, first, problems, label, timeout):
        """The learner's fix: the same cells, queued, must all run."""
        indices = [i for i in range(first, len(nb.cells)) if nb.cells[i].cell_type == "code"]
        statuses = self.queue_cells(nb, indices, timeout)
        for idx, st in zip(indices, statuses):
            cell = nb.cells[idx]
            bad = [o for o in cell.outputs if o.get("output_type") == "error"]
            if st != "ok" or bad or stderr_text(cell.outputs).strip():
                what = ANSI.sub("", bad[0].get("evalue", "")) if bad else ANSI.sub("", stderr_text(cell.outputs))
                problems.append(f"{label}after fixing the value: cell {idx}: {st}: {what[:300]}")
                return

    def run_cell(self, cell, idx):
        """Executes a cell; returns (elapsed, errored, stderr text) with late stderr added."""
        cell.outputs = []
        start = time.time()
        self.client.execute_cell(cell, idx)
        elapsed = time.time() - start
        late = drain(self.client, self.settle)
        late_err = "".join(
            m["content"].get("text", "")
            for m in late
            if m["msg_type"] == "stream" and m["content"].get("name") == "stderr"
        )
        if late_err:
            cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=late_err))
        cell.metadata["execution_seconds"] = round(elapsed, 3)
        errored = any(o.get("output_type") == "error" for o in cell.outputs)
        err_text = ANSI.sub("", stderr_text(cell.outputs)).strip()
        return elapsed, errored, err_text

    def run_cells(self, nb, first, problems, timings, label=""):
        """Runs code cells from index `first` on, one at a time; records problems."""
        for idx in range(first, len(nb.cells)):
            cell = nb.cells[idx]
            if cell.cell_type != "code":
                continue
            tags = set(cell.metadata.get("tags", []))
            elapsed, errored, err_text = self.run_cell(cell, idx)
            timings.append((idx, elapsed))
            where = f"{label}cell {idx} ({cell.source.splitlines()[0][:60] if cell.source else ''!r})"
            for event in self.log.new_events():
                problems.append(f"{where}: made the kernel run {event} (give every top-level let its type)"
                                if "rust-analyzer" in event else f"{where}: made the kernel run {event}")
            if "raises-exception" in tags:
                if not (errored or err_text):
                    problems.append(f"{where}: tagged raises-exception but did not fail")
            else:
                if errored:
                    err = next(o for o in cell.outputs if o.get("output_type") == "error")
                    msg = ANSI.sub("", " ".join(err.get("traceback", []) or [err.get("evalue", "")]))
                    msg = re.sub(r"\s+", " ", msg)[:600]
                    problems.append(f"{where}: error: {msg}")
                if PANIC in err_text:
                    problems.append(f"{where}: panicked: {err_text[:400]}")
                elif err_text:
                    problems.append(f"{where}: failed (stderr): {err_text[:400]}")
            if any(o.get("data", {}).get("text/plain", "").strip() == "()" for o in cell.outputs):
                problems.append(f"{where}: prints a stray () (end the cell's last block with a semicolon)")
            if "chart" in tags:
                if not any("image/svg+xml" in o.get("data", {}) for o in cell.outputs):
                    problems.append(f"{where}: tagged chart but produced no image/svg+xml")
            if "player" in tags:
                if not any('class="snn-player"' in o.get("data", {}).get("text/html", "") for o in cell.outputs):
                    problems.append(f"{where}: tagged player but produced no sweep or animation")
        return None

    def sentinel(self, nb, problems, label=""):
        """A last cell: anything the last cells print late lands here."""
        sentinel = nbformat.v4.new_code_cell("let _snn_sentinel: i32 = 0;")
        nb.cells.append(sentinel)
        self.client.execute_cell(sentinel, len(nb.cells) - 1)
        tail = stderr_text(sentinel.outputs) + "".join(
            m["content"].get("text", "") for m in drain(self.client, self.settle) if m["msg_type"] == "stream"
        )
        if PANIC in tail:
            problems.append(f"{label}after the last cell: late panic: {tail[:400]}")
        nb.cells.pop()


def draw(ranges, rng):
    """One value per parameter, as Rust source, from its documented range."""
    out = {}
    for name, spec in ranges.items():
        if "choice" in spec:
            out[name] = rng.choice(spec["choice"])
        elif "bool" in spec:
            out[name] = rng.choice(["true", "false"])
        else:
            kind = "int" if "int" in spec else "f64"
            lo, hi = spec[kind]
            if spec.get("at_most") in out:  # bounded by another parameter, drawn first
                hi = min(hi, float(out[spec["at_most"]]))
            if spec.get("at_least") in out:
                lo = max(lo, float(out[spec["at_least"]]))
            if spec.get("log") and lo > 0:
                v = math.exp(rng.uniform(math.log(lo), math.log(hi)))
            else:
                v = rng.uniform(lo, hi)
            # The ends of each range are drawn on purpose now and then.
            v = rng.choice([lo, hi]) if rng.random() < 0.15 else v
            out[name] = str(int(round(v))) if kind == "int" else repr(float(f"{v:.6g}"))
    return out


def fuzz_outcome(runner, nb, first, names, label, timeout):
    """Queues the parameter cell and all below; returns (problems, "ran" | "refused: ...")."""
    indices = [i for i in range(first, len(nb.cells)) if nb.cells[i].cell_type == "code"]
    statuses = runner.queue_cells(nb, indices, timeout)
    problems = []
    for idx in indices:
        text = ANSI.sub("", stderr_text(nb.cells[idx].outputs)).strip()
        if text:
            problems.append(f"{label}cell {idx}: stderr: {text[:300]}")
    failed = [k for k, st in enumerate(statuses) if st != "ok"]
    if not failed:
        return problems, "ran"
    k = failed[0]
    idx = indices[k]
    errs = [o for o in nb.cells[idx].outputs if o.get("output_type") == "error"]
    text = ANSI.sub("", errs[0].get("evalue", "")).strip() if errs else ""
    where = f"{label}cell {idx} ({nb.cells[idx].source.splitlines()[0][:60]!r})"
    if statuses[k] != "error" or len(errs) != 1:
        problems.append(f"{where}: {statuses[k]} with {len(errs)} error outputs")
    elif errs[0].get("ename") != "Err":
        problems.append(f"{where}: a {errs[0].get('ename')}, not a clear refusal: {text[:400]}")
    elif len(text.splitlines()) != 1 or not any(re.search(rf"\b{re.escape(n)}\b", text) for n in names):
        problems.append(f"{where}: an error that names no parameter: {text[:400]}")
    for j in range(k + 1, len(indices)):
        if statuses[j] != "aborted":
            problems.append(f"{label}cell {indices[j]}, queued after the error: {statuses[j]}")
    return problems, f"refused: {text[:120]}"


def run_notebook(path, out_dir, timeout, settle, sets=True, fuzz=0, fuzz_seed=1):
    """Runs the notebook, then each parameter set; returns [(run name, problems, timings)]."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="rust",
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    param_sets = nb.metadata.get("snn", {}).get("parameter_sets", []) if sets else []
    param_idx = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    runs = []
    out_dir.mkdir(parents=True, exist_ok=True)
    log = KernelLog(out_dir / f"{path.stem}.kernel-log")
    os.environ["SNN_KERNEL_LOG"] = str(log.path)
    with client.setup_kernel():
        runner = Runner(client, settle, log)
        problems, timings = [], []
        runner.run_cells(nb, 0, problems, timings)
        runner.sentinel(nb, problems)
        nbformat.write(nb, out_dir / path.name)
        runs.append(("default", problems, timings))
        if param_sets and len(param_idx) != 1:
            runs.append(("parameter sets", [f"{len(param_idx)} cells tagged parameters, need exactly one"], []))
            return runs
        default_source = nb.cells[param_idx[0]].source if param_idx else ""
        for ps in param_sets:
            name = ps.get("name") or ", ".join(f"{k} = {v}" for k, v in ps["set"].items())
            problems, timings = [], []
            try:
                nb.cells[param_idx[0]].source = set_parameters(default_source, ps["set"])
            except ValueError as e:
                runs.append((name, [str(e)], []))
                continue
            for c in nb.cells[param_idx[0]:]:
                if c.cell_type == "code":
                    c.outputs = []
            if ps.get("expect_error"):
                runner.run_below_expecting_error(nb, param_idx[0], ps["expect_error"], problems, f"[{name}] ", timeout)
                nbformat.write(nb, out_dir / f"{path.stem}.{slug(name)}.ipynb")
                nb.cells[param_idx[0]].source = default_source
                runner.run_below_fixed(nb, param_idx[0], problems, f"[{name}] ", timeout)
            else:
                runner.run_cells(nb, param_idx[0], problems, timings, label=f"[{name}] ")
                nbformat.write(nb, out_dir / f"{path.stem}.{slug(name)}.ipynb")
            runs.append((name, problems, timings))
        ranges = nb.metadata.get("snn", {}).get("fuzz", {})
        if fuzz and (not ranges or len(param_idx) != 1):
            runs.append(("fuzz", ["no fuzz ranges (metadata.snn.fuzz) or no single parameters cell"], []))
        for k in range(fuzz if ranges and len(param_idx) == 1 else 0):
            values = draw(ranges, random.Random(f"{fuzz_seed}:{path.stem}:{k}"))
            name = f"fuzz {fuzz_seed}.{k}: " + ", ".join(f"{n} = {v}" for n, v in values.items())
            try:
                nb.cells[param_idx[0]].source = set_parameters(default_source, values)
            except ValueError as e:
                runs.append((name, [str(e)], []))
                continue
            start = time.time()
            problems, outcome = fuzz_outcome(runner, nb, param_idx[0], list(values), f"[fuzz {fuzz_seed}.{k}] ", timeout)
            runs.append((f"{name} -> {outcome}", problems, [(param_idx[0], time.time() - start)]))
        if param_idx:
            nb.cells[param_idx[0]].source = default_source
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path)
    ap.add_argument("--timeout", type=int, default=900, help="seconds per cell (the first :dep compiles)")
    ap.add_argument("--settle", type=float, default=0.1, help="seconds to wait for late output after each cell")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "notebooks")
    ap.add_argument("--timings", type=Path, help="write per-cell timings of the default runs as JSON here")
    ap.add_argument("--no-sets", action="store_true", help="default runs only, no parameter sets")
    ap.add_argument("--fuzz", type=int, default=0, help="random parameter draws per notebook (default 0)")
    ap.add_argument("--fuzz-seed", type=int, default=1, help="seed of the draws (default 1)")
    args = ap.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    passed = failed = 0
    all_timings = {}
    fuzz_counts = {"ran": 0, "refused": 0, "failed": 0}
    for path in paths:
        path = path.resolve()
        start = time.time()
        try:
            runs = run_notebook(path, args.out, args.timeout, args.settle, sets=not args.no_sets,
                                fuzz=args.fuzz, fuzz_seed=args.fuzz_seed)
        except Exception as e:  # a dead kernel or a timeout fails the notebook, not the run
            runs = [("default", [f"could not execute: {type(e).__name__}: {e}"], [])]
        for name, problems, timings in runs:
            secs = sum(t for _, t in timings)
            if name.startswith("fuzz "):
                fuzz_counts["failed" if problems else "refused" if "-> refused" in name else "ran"] += 1
            if name == "default":
                all_timings[path.name] = [{"cell": i, "seconds": round(t, 3)} for i, t in timings]
            if problems:
                failed += 1
                print(f"FAIL {path.name} [{name}] ({secs:.1f} s in cells)")
                for p in problems:
                    print(f"     {p}")
            else:
                passed += 1
                print(f"ok   {path.name} [{name}] ({secs:.1f} s in cells)")
        print(f"     {path.name}: {time.time() - start:.1f} s with kernel start")
        sys.stdout.flush()
    if args.timings:
        args.timings.write_text(json.dumps(all_timings, indent=1))
    if args.fuzz:
        print(f"fuzz: {fuzz_counts['ran']} draws ran every cell, {fuzz_counts['refused']} were refused clearly, "
              f"{fuzz_counts['failed']} failed")
    print(f"notebooks: {passed} passed, {failed} failed")
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main())
