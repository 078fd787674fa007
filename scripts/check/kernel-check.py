#!/usr/bin/env python3
"""Checks what the project's patched kernel (scripts/kernel/) promises, by talking to it as
JupyterLab does: cells queued at once, as *Run All* and *Run Selected Cell and All Below* send
them, with every message sorted by the request it answers.

* stop on error: after a cell fails (a compile error, an error returned through `?`, a panic)
  every queued cell is answered `aborted` and runs nothing;
* each failing cell shows exactly one error output (its message; a panic without a backtrace
  unless RUST_BACKTRACE asks) and no stray stderr, and every stream line, stderr included,
  goes to the cell that wrote it;
* variables from before a failing cell survive it;
* a cell whose top-level `let`s carry their types does not make the kernel run rust-analyzer;
  an untyped `let` still works (rust-analyzer infers it), and Tab completion still answers;
* a cell compiles without cargo only while nothing cargo checks has changed: an edited path
  dependency is rebuilt before the next cell runs;
* the launcher's notice (SNN_KERNEL_NOTICE: why a kernel starts cold) shows under the first
  cell only;
* SNN_KERNEL_STOCK=1 restores evcxr's released behaviour (the queue runs on after an error);
* the shell keeps answering while clients come and go as a browser's do: a client that
  reconnects under the same identity (a websocket that reconnects) while its old connection
  closes, with or without a request in flight, and clients that vanish mid-request.

    scripts/check/kernel-check.py        (with the project's venv: source scripts/lib/env.sh)
"""
import os
import queue
import shutil
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[2]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


class Kernel:
    def __init__(self, **env):
        self.log = Path(tempfile.mkstemp(prefix="snn-kernel-log-")[1])
        e = {k: v for k, v in os.environ.items() if k not in ("RUST_BACKTRACE", "SNN_KERNEL_STOCK")}
        e.update(SNN_KERNEL_LOG=str(self.log), **env)
        self.km, self.kc = start_new_kernel(kernel_name="rust", cwd=str(ROOT / "notebooks"), env=e,
                                            startup_timeout=120)

    def close(self):
        self.km.shutdown_kernel(now=True)
        self.log.unlink(missing_ok=True)

    def events(self):
        return self.log.read_text().splitlines() if self.log.exists() else []

    def queue(self, cells, timeout=120):
        """Sends every cell at once, as JupyterLab's run commands do; returns per cell
        {"status", "outputs": [iopub messages with that parent]} once every reply and every
        cell's idle status have arrived."""
        ids = [self.kc.execute(c, stop_on_error=True) for c in cells]
        res = {i: {"status": None, "outputs": [], "idle": False} for i in ids}
        end = time.time() + timeout
        while time.time() < end and not all(r["status"] and r["idle"] for r in res.values()):
            try:
                m = self.kc.get_shell_msg(timeout=0.05)
                pid = m["parent_header"].get("msg_id")
                if pid in res:
                    res[pid]["status"] = m["content"]["status"]
            except queue.Empty:
                pass
            while True:
                try:
                    m = self.kc.get_iopub_msg(timeout=0.01)
                except queue.Empty:
                    break
                pid = m["parent_header"].get("msg_id")
                if pid not in res:
                    continue
                if m["msg_type"] == "status":
                    res[pid]["idle"] |= m["content"]["execution_state"] == "idle"
                elif m["msg_type"] in ("stream", "error", "execute_result", "display_data"):
                    res[pid]["outputs"].append(m)
        # Anything that arrives late is a failure too: give it a moment.
        time.sleep(0.5)
        while True:
            try:
                m = self.kc.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                break
            pid = m["parent_header"].get("msg_id")
            if pid in res and m["msg_type"] in ("stream", "error", "execute_result", "display_data"):
                res[pid]["outputs"].append(m)
        return [res[i] for i in ids]


def text(outputs, name):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def errors(outputs):
    return [m for m in outputs if m["msg_type"] == "error"]


def stops(k, label, failing, expect_in_error, ename):
    first, bad, after = k.queue(['println!("first");', failing, 'println!("after");'])
    check(first["status"] == "ok" and text(first["outputs"], "stdout") == "first\n",
          f"{label}: the cell before runs and keeps its output")
    errs = errors(bad["outputs"])
    check(bad["status"] == "error", f"{label}: the failing cell's reply is an error (got {bad['status']})")
    check(len(errs) == 1, f"{label}: exactly one error output under the failing cell (got {len(errs)})")
    if errs:
        e = errs[0]["content"]
        check(expect_in_error in e["evalue"], f"{label}: the error says {expect_in_error!r} (got {e['evalue'][:200]!r})")
        check(ename is None or e["ename"] == ename, f"{label}: ename {ename!r} (got {e['ename']!r})")
        check("stack backtrace" not in "\n".join(e["traceback"]) and "RUST_BACKTRACE" not in e["evalue"],
              f"{label}: no backtrace")
    check(text(bad["outputs"], "stderr") == "", f"{label}: no stray stderr under the failing cell")
    check(after["status"] == "aborted" and after["outputs"] == [],
          f"{label}: the queued cell after it is aborted and shows nothing (got {after['status']}, {len(after['outputs'])} outputs)")


def reconnects(k, rounds=40):
    """Clients of the shell socket come and go as JupyterLab's do; the newest always answered."""
    import random
    import uuid

    import zmq
    rng = random.Random(7)
    info, session = k.km.get_connection_info(), k.km.session
    url = f"tcp://{info['ip']}:{info['shell_port']}"
    ctx = zmq.Context()

    def sock(identity):
        s = ctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.IDENTITY, identity)
        s.connect(url)
        return s

    def ask(s, wait_s):
        session.send(s, "kernel_info_request", {})
        if s.poll(int(wait_s * 1000)):
            session.recv(s)
            return True
        return False

    same = uuid.uuid4().bytes
    old, answered = sock(same), 0
    ask(old, 30)
    for _ in range(rounds):
        new = sock(same)
        time.sleep(rng.random() * 0.01)
        if rng.random() < 0.5:
            session.send(old, "kernel_info_request", {})
        old.close()
        gone = sock(uuid.uuid4().bytes)
        session.send(gone, "kernel_info_request", {})
        gone.close()
        answered += ask(new, 5)
        old = new
    old.close()
    fresh = sock(uuid.uuid4().bytes)
    check(answered == rounds, f"a client reconnecting under its identity as the old connection closes: "
                              f"answered {answered} of {rounds}")
    check(ask(fresh, 5), "after clients came and went mid-request, a new client is answered")
    fresh.close()
    ctx.term()


def main():
    k = Kernel()
    try:
        (setup,) = k.queue(['let kept: i32 = 41;'])
        check(setup["status"] == "ok", "a typed cell runs")
        reconnects(k)
        stops(k, "compile error", 'let x: i32 = "text";', "mismatched types", None)
        stops(k, "error through ?", 'let r: Result<(), String> = Err("rate_hz must be positive, got -1".into());\nr?;',
              "rate_hz must be positive, got -1", "Err")
        stops(k, "panic", 'let v: Vec<i32> = vec![];\nlet _x: i32 = v[3];',
              "index out of bounds", "panic")
        (p,) = k.queue(['eprintln!("before the panic");\npanic!("the message");'])
        check(text(p["outputs"], "stderr") == "before the panic\n",
              "a panicking cell's own stderr stays under it")
        check(len(errors(p["outputs"])) == 1 and "the message" in errors(p["outputs"])[0]["content"]["evalue"],
              "a panic shows its message as the cell's one error")
        (after,) = k.queue(['println!("{}", kept + 1);'])
        check(text(after["outputs"], "stdout") == "42\n", "variables from before the failing cells survive")
        # Every stream line under the cell that wrote it, with cells queued back to back.
        cells = [f'eprintln!("err {i}");\nprintln!("out {i}");\neprintln!("err {i} again");' for i in range(8)]
        res = k.queue(cells)
        check(all(text(r["outputs"], "stderr") == f"err {i}\nerr {i} again\n" and text(r["outputs"], "stdout") == f"out {i}\n"
                  for i, r in enumerate(res)),
              "stdout and stderr of 8 queued cells each under its own cell")
        # Inference only where a let has no type.
        before = [e for e in k.events() if "rust-analyzer" in e]
        check(before == [], f"typed cells never ran rust-analyzer (log: {before[:3]})")
        (inf,) = k.queue(['let inferred = kept * 2;'])
        (use,) = k.queue(['println!("{}", inferred + 1);'])
        check(inf["status"] == "ok" and text(use["outputs"], "stdout") == "83\n",
              "an untyped let is inferred and kept")
        check(any("rust-analyzer" in e for e in k.events()), "... by rust-analyzer (logged)")
        # Cells compile without cargo while nothing cargo checks has changed; an edited path
        # dependency must still be rebuilt before the next cell runs.
        with tempfile.TemporaryDirectory() as tmp:
            dep = Path(tmp) / "tinydep"
            (dep / "src").mkdir(parents=True)
            (dep / "Cargo.toml").write_text('[package]\nname = "tinydep"\nversion = "0.1.0"\nedition = "2021"\n')
            (dep / "src" / "lib.rs").write_text("pub fn value() -> i32 { 1 }\n")
            first, again = k.queue([f':dep tinydep = {{ path = "{dep}" }}\nprintln!("{{}}", tinydep::value());',
                                    'println!("{}", tinydep::value() * 10);'])
            time.sleep(1.1)  # a new modification time, whatever the file system's resolution
            (dep / "src" / "lib.rs").write_text("pub fn value() -> i32 { 2 }\n")
            (edited,) = k.queue(['println!("{}", tinydep::value() * 10);'])
            check(text(first["outputs"], "stdout") == "1\n" and text(again["outputs"], "stdout") == "10\n"
                  and text(edited["outputs"], "stdout") == "20\n",
                  "a learner's :dep of a new path crate works, and an edit to it is compiled before the next cell "
                  f"(got {text(first['outputs'], 'stdout')!r}, {text(again['outputs'], 'stdout')!r}, {text(edited['outputs'], 'stdout')!r})")
        msg_id = k.kc.complete("let v: Vec<i32> = Vec::new(); v.pu", 34)
        reply = k.kc.get_shell_msg(timeout=180)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = k.kc.get_shell_msg(timeout=180)
        check(any(m.startswith("push") for m in reply["content"].get("matches", [])), "Tab completion answers (v.pu -> push)")
    finally:
        k.close()

    # The launcher's notice (why a kernel starts cold) shows under the first cell only.
    build = Path(tempfile.mkdtemp(prefix="kernel-check-", dir=ROOT / ".evcxr"))
    k = Kernel(SNN_EVCXR_TMPDIR=str(build), SNN_KERNEL_NOTICE="Note: this kernel starts cold: a test.")
    try:
        first, second = k.queue(['println!("one");', 'println!("two");'])
        check(text(first["outputs"], "stdout") == "Note: this kernel starts cold: a test.\none\n"
              and text(second["outputs"], "stdout") == "two\n",
              "the launcher's notice shows under the first cell, once")
    finally:
        k.close()
        shutil.rmtree(build, ignore_errors=True)

    k = Kernel(RUST_BACKTRACE="1")
    try:
        (p,) = k.queue(['panic!("asked for a backtrace");'])
        e = errors(p["outputs"])
        check(len(e) == 1 and "asked for a backtrace" in e[0]["content"]["evalue"]
              and "backtrace" in e[0]["content"]["evalue"].split("asked for a backtrace", 1)[1].lower() + "".join(e[0]["content"]["traceback"]).lower(),
              "RUST_BACKTRACE=1: the panic's error carries a backtrace")
    finally:
        k.close()

    k = Kernel(SNN_KERNEL_STOCK="1")
    try:
        bad, after = k.queue(['let x: i32 = "text";', 'println!("ran anyway");'])
        check(bad["status"] == "error" and after["status"] == "ok" and text(after["outputs"], "stdout") == "ran anyway\n",
              "SNN_KERNEL_STOCK=1: evcxr's released behaviour (the queue runs on after an error)")
    finally:
        k.close()

    print(f"kernel check: {len(failures)} failed" if failures else "kernel check: all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
