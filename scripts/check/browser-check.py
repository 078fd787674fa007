#!/usr/bin/env python3
"""End-to-end check in a real browser: starts JupyterLab with the project's own launcher
(scripts/lab), confirms the API refuses requests without the token, opens a notebook in
headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), runs all cells from the
Run menu, and asserts that every chart cell's SVG is visible in the page. Screenshots go to
target/browser/. Ends with `browser: N passed, N failed`.

    scripts/check/browser-check.py [NOTEBOOK_NAME ...]   (default: 01-the-original-demo.ipynb)
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "target" / "browser"
CHROMIUM = os.environ.get("SNN_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(port):
    log = open(ROOT / "target" / "browser" / "lab.log", "w")
    proc = subprocess.Popen(
        [str(ROOT / "scripts" / "lab"), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.time() + 180
    while time.time() < deadline:
        text = (ROOT / "target" / "browser" / "lab.log").read_text()
        m = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=([0-9a-f]+)", text)
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            raise RuntimeError(f"scripts/lab exited early:\n{text[-2000:]}")
        time.sleep(0.5)
    raise RuntimeError("JupyterLab did not print its URL within 180 s")


def status(url):
    try:
        return urllib.request.urlopen(url, timeout=10).status
    except urllib.error.HTTPError as e:
        return e.code


def chart_cells(name):
    nb = json.loads((ROOT / "notebooks" / name).read_text())
    return sum(1 for c in nb["cells"] if "chart" in c.get("metadata", {}).get("tags", []))


def check(page, base, token, name):
    want = chart_cells(name)
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    # Cells queue until the kernel is up; a short pause lets the page settle first.
    page.wait_for_timeout(2000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    svgs = page.locator(".jp-OutputArea-output.jp-RenderedSVG img, .jp-OutputArea-output.jp-RenderedSVG svg")
    deadline = time.time() + 600
    while time.time() < deadline and svgs.count() < want:
        page.wait_for_timeout(1000)
    got = svgs.count()
    SHOTS.mkdir(parents=True, exist_ok=True)
    stem = Path(name).stem
    problems = []
    if got < want:
        problems.append(f"{got} of {want} charts appeared")
    for i in range(got):
        el = svgs.nth(i)
        el.scroll_into_view_if_needed()
        box = el.bounding_box()
        if not box or box["width"] < 200 or box["height"] < 100:
            problems.append(f"chart {i} is not visible (box {box})")
        natural = el.evaluate("e => e.naturalWidth === undefined ? 1 : e.naturalWidth")
        if not natural:
            problems.append(f"chart {i} did not load as an image")
    if got:
        svgs.nth(got - 1).scroll_into_view_if_needed()
        page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{stem}.png"))
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
    if errors:
        problems.append(f"{errors} stderr/error outputs in the page")
    return got, want, problems


def main(names):
    names = names or ["01-the-original-demo.ipynb"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # Running cells in the page must not leave outputs in the committed notebooks, whatever
    # JupyterLab's autosave does: keep their bytes and put them back afterwards.
    originals = {p: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}
    proc, token = start_lab(port)
    base = f"http://127.0.0.1:{port}"
    passed = failed = 0
    try:
        no_token, with_token = status(f"{base}/api/status"), status(f"{base}/api/status?token={token}")
        if (no_token, with_token) != (403, 200):
            print(f"FAIL token authentication: {no_token} without the token, {with_token} with it")
            failed += 1
        else:
            print("ok   JupyterLab answers 403 without the token and 200 with it")
            passed += 1
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            for name in names:
                start = time.time()
                try:
                    got, want, problems = check(page, base, token, name)
                except Exception as e:
                    got, want, problems = 0, chart_cells(name), [f"{type(e).__name__}: {e}"]
                took = time.time() - start
                if problems:
                    failed += 1
                    print(f"FAIL {name} ({took:.0f} s): " + "; ".join(problems))
                else:
                    passed += 1
                    print(f"ok   {name}: {got} charts visible after Run All ({took:.0f} s); screenshot target/browser/{Path(name).stem}.png")
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        for path, data in originals.items():
            if path.read_bytes() != data:
                path.write_bytes(data)
    print(f"browser: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
