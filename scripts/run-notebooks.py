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
* a cell tagged `chart` that produced no `image/svg+xml` output.

Executed copies (with outputs and per-cell timings) are written to target/notebooks/; the
notebooks in notebooks/ stay without outputs. Ends with `notebooks: N passed, N failed`.

    scripts/run-notebooks.py [NOTEBOOK ...]     (default: every notebooks/*.ipynb)
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

ROOT = Path(__file__).resolve().parent.parent
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


def run_notebook(path, out_dir, timeout, settle):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="rust",
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    problems, timings = [], []
    with client.setup_kernel():
        for idx, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            tags = set(cell.metadata.get("tags", []))
            start = time.time()
            client.execute_cell(cell, idx)
            elapsed = time.time() - start
            late = drain(client, settle)
            late_err = "".join(
                m["content"].get("text", "")
                for m in late
                if m["msg_type"] == "stream" and m["content"].get("name") == "stderr"
            )
            if late_err:
                cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=late_err))
            cell.metadata["execution_seconds"] = round(elapsed, 3)
            timings.append((idx, elapsed))
            errored = any(o.get("output_type") == "error" for o in cell.outputs)
            err_text = ANSI.sub("", stderr_text(cell.outputs)).strip()
            panicked = PANIC in err_text
            where = f"cell {idx} ({cell.source.splitlines()[0][:60] if cell.source else ''!r})"
            if "raises-exception" in tags:
                if not (errored or err_text):
                    problems.append(f"{where}: tagged raises-exception but did not fail")
            else:
                if errored:
                    err = next(o for o in cell.outputs if o.get("output_type") == "error")
                    msg = ANSI.sub("", " ".join(err.get("traceback", []) or [err.get("evalue", "")]))
                    msg = re.sub(r"\s+", " ", msg)[:600]
                    problems.append(f"{where}: error: {msg}")
                if panicked:
                    problems.append(f"{where}: panicked: {err_text[:400]}")
                elif err_text:
                    problems.append(f"{where}: failed (stderr): {err_text[:400]}")
            if "chart" in tags:
                if not any("image/svg+xml" in o.get("data", {}) for o in cell.outputs):
                    problems.append(f"{where}: tagged chart but produced no image/svg+xml")
        # A sentinel cell: anything the last cells print late lands here.
        sentinel = nbformat.v4.new_code_cell("let _snn_sentinel = 0;")
        nb.cells.append(sentinel)
        client.execute_cell(sentinel, len(nb.cells) - 1)
        tail = stderr_text(sentinel.outputs) + "".join(
            m["content"].get("text", "") for m in drain(client, settle) if m["msg_type"] == "stream"
        )
        if PANIC in tail:
            problems.append(f"after the last cell: late panic: {tail[:400]}")
        nb.cells.pop()
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    return problems, timings


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path)
    ap.add_argument("--timeout", type=int, default=900, help="seconds per cell (the first :dep compiles)")
    ap.add_argument("--settle", type=float, default=0.4, help="seconds to wait for late stderr after each cell")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "notebooks")
    ap.add_argument("--timings", type=Path, help="write per-cell timings as JSON here")
    args = ap.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    passed = failed = 0
    all_timings = {}
    for path in paths:
        path = path.resolve()
        start = time.time()
        try:
            problems, timings = run_notebook(path, args.out, args.timeout, args.settle)
        except Exception as e:  # a dead kernel or a timeout fails the notebook, not the run
            problems, timings = [f"could not execute: {type(e).__name__}: {e}"], []
        all_timings[path.name] = [{"cell": i, "seconds": round(t, 3)} for i, t in timings]
        took = time.time() - start
        if problems:
            failed += 1
            print(f"FAIL {path.name} ({took:.1f} s)")
            for p in problems:
                print(f"     {p}")
        else:
            passed += 1
            print(f"ok   {path.name} ({took:.1f} s)")
        sys.stdout.flush()
    if args.timings:
        args.timings.write_text(json.dumps(all_timings, indent=1))
    print(f"notebooks: {passed} passed, {failed} failed")
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main())
