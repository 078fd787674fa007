#!/usr/bin/env python3
"""Executes notebooks with the real Rust kernel (evcxr), one cell at a time, and fails a
notebook on what nbconvert and papermill let through:

* any error output (a compile error) or any text on stderr (evcxr prints the error of a cell
  that fails with `?` on stderr and still reports success) in a cell not tagged
  `raises-exception`;
* a panic: evcxr reports panics as success with the message on stderr, sometimes only after
  the cell has finished, so after every cell the kernel's output channel is drained for a
  moment and late stderr is charged to the cell it belongs to; a sentinel cell at the end
  catches anything later still;
* a cell tagged `raises-exception` that did not fail;
* a cell tagged `chart` that produced no `image/svg+xml` output, or a cell tagged `player`
  that produced no `text/html` sweep or animation (a `snn-player` block).

Then the learner's tweak, in the same kernel: a notebook's metadata lists alternative
parameter sets (`metadata.snn.parameter_sets`: `{"name", "set": {variable: Rust value},
"expect_error"?}`). For each set, the cell tagged `parameters` is edited (each named `let`
gets the new value; a name the cell does not define fails the run, so sets cannot rot) and
that cell and every cell below it are run again, as "Run Selected Cell and All Below" does.
A set with `expect_error` must stop at its first failing cell with exactly one line of
stderr that contains that text (a clear error, not a panic or a backtrace); then the cells
below it are run as well (this kernel does not stop a queue at an error, and a learner may
run them by hand) and none of them may panic.

Executed copies (with outputs and per-cell timings) are written to target/notebooks/ (one
per parameter set as NAME.SET.ipynb); the notebooks in notebooks/ stay without outputs.
Ends with `notebooks: N passed, N failed`, counting every run (default and each set).

    scripts/check/run-notebooks.py [NOTEBOOK ...]     (default: every notebooks/*.ipynb)
    scripts/check/run-notebooks.py --no-sets ...      default runs only
"""
import argparse
import json
import queue
import re
import sys
import time
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
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


def set_parameters(source, values):
    """The parameter cell's source with each `let NAME... = VALUE;` given a new VALUE."""
    lines = source.splitlines()
    for name, value in values.items():
        pat = re.compile(r"^(\s*let\s+(?:mut\s+)?" + re.escape(name) + r"\s*(?::[^=]+)?=\s*)(.*?)(;\s*(?://.*)?)$")
        hits = [i for i, line in enumerate(lines) if pat.match(line)]
        if len(hits) != 1:
            raise ValueError(f"parameter {name!r} is defined {len(hits)} times in the parameters cell, not once")
        i = hits[0]
        lines[i] = pat.sub(lambda m: m.group(1) + str(value) + m.group(3), lines[i])
    return "\n".join(lines)


def slug(name):
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60]


class Runner:
    """One kernel for one notebook: cells are executed one at a time and checked."""

    def __init__(self, client, settle):
        self.client, self.settle = client, settle

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

    def run_cells(self, nb, first, problems, timings, expect_error=None, label=""):
        """Runs code cells from index `first` on; records problems. With `expect_error`, the
        first failing cell must fail with one clear line containing it, and the run stops."""
        for idx in range(first, len(nb.cells)):
            cell = nb.cells[idx]
            if cell.cell_type != "code":
                continue
            tags = set(cell.metadata.get("tags", []))
            elapsed, errored, err_text = self.run_cell(cell, idx)
            timings.append((idx, elapsed))
            where = f"{label}cell {idx} ({cell.source.splitlines()[0][:60] if cell.source else ''!r})"
            if expect_error is not None and "raises-exception" not in tags and (errored or err_text):
                if errored:
                    err = next(o for o in cell.outputs if o.get("output_type") == "error")
                    text = ANSI.sub("", err.get("evalue", "") or " ".join(err.get("traceback", [])))
                    problems.append(f"{where}: expected a clear error containing {expect_error!r}, got a compile error: {text[:300]}")
                elif PANIC in err_text:
                    problems.append(f"{where}: expected a clear error containing {expect_error!r}, got a panic: {err_text[:300]}")
                elif len(err_text.splitlines()) != 1:
                    problems.append(f"{where}: expected one line of error, got {len(err_text.splitlines())}: {err_text[:300]}")
                elif expect_error not in err_text:
                    problems.append(f"{where}: expected an error containing {expect_error!r}, got: {err_text[:300]}")
                # A learner may run the cells below anyway (Run All Below does, on this kernel):
                # whatever state the failed cell left, none of them may panic.
                for later in range(idx + 1, len(nb.cells)):
                    c2 = nb.cells[later]
                    if c2.cell_type != "code":
                        continue
                    _, _, err2 = self.run_cell(c2, later)
                    if PANIC in err2:
                        problems.append(f"{label}cell {later}, run after the expected error: panicked: {err2[:300]}")
                return idx
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
        if expect_error is not None:
            problems.append(f"{label}expected an error containing {expect_error!r}, but every cell ran")
        return None

    def sentinel(self, nb, problems, label=""):
        """A last cell: anything the last cells print late lands here."""
        sentinel = nbformat.v4.new_code_cell("let _snn_sentinel = 0;")
        nb.cells.append(sentinel)
        self.client.execute_cell(sentinel, len(nb.cells) - 1)
        tail = stderr_text(sentinel.outputs) + "".join(
            m["content"].get("text", "") for m in drain(self.client, self.settle) if m["msg_type"] == "stream"
        )
        if PANIC in tail:
            problems.append(f"{label}after the last cell: late panic: {tail[:400]}")
        nb.cells.pop()


def run_notebook(path, out_dir, timeout, settle, sets=True):
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
    with client.setup_kernel():
        runner = Runner(client, settle)
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
            runner.run_cells(nb, param_idx[0], problems, timings, ps.get("expect_error"), label=f"[{name}] ")
            runner.sentinel(nb, problems, label=f"[{name}] ")
            nbformat.write(nb, out_dir / f"{path.stem}.{slug(name)}.ipynb")
            runs.append((name, problems, timings))
        if param_idx:
            nb.cells[param_idx[0]].source = default_source
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path)
    ap.add_argument("--timeout", type=int, default=900, help="seconds per cell (the first :dep compiles)")
    ap.add_argument("--settle", type=float, default=0.4, help="seconds to wait for late stderr after each cell")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "notebooks")
    ap.add_argument("--timings", type=Path, help="write per-cell timings of the default runs as JSON here")
    ap.add_argument("--no-sets", action="store_true", help="default runs only, no parameter sets")
    args = ap.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    passed = failed = 0
    all_timings = {}
    for path in paths:
        path = path.resolve()
        start = time.time()
        try:
            runs = run_notebook(path, args.out, args.timeout, args.settle, sets=not args.no_sets)
        except Exception as e:  # a dead kernel or a timeout fails the notebook, not the run
            runs = [("default", [f"could not execute: {type(e).__name__}: {e}"], [])]
        for name, problems, timings in runs:
            secs = sum(t for _, t in timings)
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
    print(f"notebooks: {passed} passed, {failed} failed")
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main())
