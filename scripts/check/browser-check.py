#!/usr/bin/env python3
"""End-to-end check in a real browser: starts JupyterLab with the project's own launcher
(scripts/lab), confirms the API refuses requests without the token, opens a notebook in
headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), runs all cells from the
Run menu, and asserts that every chart cell's SVG is visible in the page.

Then the sweeps and animations (cells tagged `player`): each sweep's slider is moved with the
keyboard (focus and an arrow key) and with the mouse (a click along the slider), and the
frame shown must become the one for the slider's value: its title names that value and the
label beside the slider says it; each animation is played, and its frame must advance; and
every player (frame, slider and buttons) must fit the 1,000-pixel-high window. Then
an executed copy of notebook 01 (from target/notebooks/, saved with its outputs and never
trusted) is opened: each player must show its first frame as a picture with the one line
on `jupyter trust`, and no controls.

Screenshots go to target/browser/ (each player before and after it moves). Ends with
`browser: N passed, N failed`.

    scripts/check/browser-check.py [NOTEBOOK_NAME ...]
        (default: notebooks 01 to 04 and 07, the ones with sweeps and animations)
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


def chart_cells(name, tag="chart"):
    nb = json.loads((ROOT / "notebooks" / name).read_text())
    return sum(1 for c in nb["cells"] if tag in c.get("metadata", {}).get("tags", []))


# The notebook in front: JupyterLab keeps other opened notebooks in the page, hidden.
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def open_alone(page, base, token, name):
    """Opens `name` in a fresh workspace (`reset`), so no notebook opened earlier in this
    lab is restored beside it."""
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")
    page.wait_for_selector(f"{PANEL} .jp-Cell >> visible=true", timeout=120_000)


def player_data(player):
    return json.loads(player.locator(".snn-player-data").first.evaluate("e => e.textContent"))


def shown(player):
    img = player.locator("img.snn-player-frame")
    return (int(img.get_attribute("data-frame") or -1), img.get_attribute("title") or "",
            player.locator(".snn-player-label").inner_text())


def check_players(page, stem):
    """Moves every sweep and plays every animation in the page; returns problems."""
    problems = []
    players = page.locator(f"{PANEL} .snn-player")
    for i in range(players.count()):
        player = players.nth(i)
        player.scroll_into_view_if_needed()
        d = player_data(player)
        kind, n = d["kind"], len(d["frames"])
        where = f"{stem} {kind} {i} ({d['name']})"

        def agrees(k, title, label):
            value = d["labels"][k].split(" = ", 1)[1]
            if d["titles"][k] != title or value not in title or d["labels"][k] not in label:
                problems.append(f"{where}: frame {k} shows title {title!r}, label {label!r}; "
                                f"want {d['titles'][k]!r}, {d['labels'][k]!r}")

        # The frame and its slider fit the 1,000-pixel-high window together.
        box = player.bounding_box()
        if box and box["height"] > 1000:
            problems.append(f"{where}: the player is {box['height']:.0f} px high; frame and slider do not fit a 1,000-pixel screen")
        k0, title, label = shown(player)
        if k0 != d["start"]:
            problems.append(f"{where}: starts at frame {k0}, not {d['start']}")
        agrees(k0, title, label)
        player.screenshot(path=str(SHOTS / f"{stem}-{kind}{i}-a.png"))
        if kind == "sweep":
            # Keyboard: the slider focused, one arrow key.
            key, want = ("ArrowRight", k0 + 1) if k0 + 1 < n else ("ArrowLeft", k0 - 1)
            player.locator(".snn-player-slider").focus()
            page.keyboard.press(key)
            page.wait_for_timeout(200)
            k1, title, label = shown(player)
            if k1 != want:
                problems.append(f"{where}: {key} went to frame {k1}, not {want}")
            agrees(k1, title, label)
            # Mouse: a click a tenth of the way along the slider.
            box = player.locator(".snn-player-slider").bounding_box()
            page.mouse.click(box["x"] + 0.1 * box["width"], box["y"] + box["height"] / 2)
            page.wait_for_timeout(200)
            k2, title, label = shown(player)
            value = int(player.locator(".snn-player-slider").evaluate("e => e.value"))
            if k2 != value or k2 == k1 or k2 > n // 2:
                problems.append(f"{where}: a click near the start showed frame {k2} (slider {value})")
            agrees(k2, title, label)
        else:
            player.locator(".snn-player-play").click()
            page.wait_for_timeout(1500)
            k1, title, label = shown(player)
            if k1 < k0 + 3 and k0 != n - 1:
                problems.append(f"{where}: 1.5 s after play, frame {k1} (from {k0})")
            agrees(k1, title, label)
            player.locator(".snn-player-play").click()
        player.screenshot(path=str(SHOTS / f"{stem}-{kind}{i}-b.png"))
    return problems


def check_untrusted(page, base, token):
    """An executed copy of notebook 01, saved with its outputs and never trusted, opened
    without running anything: each player shows its first frame and the line on trust."""
    src = ROOT / "target" / "notebooks" / "01-the-original-demo.ipynb"
    if not src.exists():
        return ["no executed notebook in target/notebooks/ (run scripts/check/run-notebooks.py first)"]
    copy = ROOT / "notebooks" / "zz-untrusted-check.ipynb"
    copy.write_bytes(src.read_bytes())
    problems = []
    try:
        open_alone(page, base, token, copy.name)
        players = page.locator(f"{PANEL} .snn-player")
        deadline = time.time() + 30
        while time.time() < deadline and players.count() < chart_cells("01-the-original-demo.ipynb", "player"):
            page.wait_for_timeout(500)
        if players.count() == 0:
            problems.append("untrusted: no player output shown")
        for i in range(players.count()):
            player = players.nth(i)
            player.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            img = player.locator("img.snn-player-frame")
            box = img.bounding_box()
            loaded = img.evaluate("e => e.complete && e.naturalWidth > 0")
            if not loaded or not box or box["width"] < 200:
                problems.append(f"untrusted player {i}: first frame not shown (box {box})")
            note = player.locator(".snn-player-note")
            if note.count() != 1 or "jupyter trust" not in note.inner_text():
                problems.append(f"untrusted player {i}: no line on how to make it interactive")
            if player.locator(".snn-player-controls").count():
                problems.append(f"untrusted player {i}: controls shown although scripts did not run")
            player.screenshot(path=str(SHOTS / f"untrusted-player{i}.png"))
    finally:
        copy.unlink()
    return problems


def check(page, base, token, name):
    want = chart_cells(name)
    open_alone(page, base, token, name)
    # Cells queue until the kernel is up; a short pause lets the page settle first.
    page.wait_for_timeout(2000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    svgs = page.locator(f"{PANEL} .jp-OutputArea-output.jp-RenderedSVG img, {PANEL} .jp-OutputArea-output.jp-RenderedSVG svg")
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
    players = chart_cells(name, "player")
    ready = page.locator(f"{PANEL} .snn-player[data-ready]")
    deadline = time.time() + 120
    while time.time() < deadline and ready.count() < players:
        page.wait_for_timeout(500)
    if ready.count() < players:
        problems.append(f"{ready.count()} of {players} sweeps and animations appeared with their controls")
    else:
        problems += check_players(page, stem)
    errors = page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
    # A cell tagged raises-exception (04's deliberate mistake) prints its one line on stderr.
    if errors > chart_cells(name, "raises-exception"):
        problems.append(f"{errors} stderr/error outputs in the page")
    return got, want, problems


def main(names):
    names = names or ["01-the-original-demo.ipynb", "02-one-neuron.ipynb", "03-spike-encoding.ipynb",
                      "04-step-through.ipynb", "07-learning-from-timing.ipynb"]
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
                    print(f"ok   {name}: {got} charts visible after Run All, "
                          f"{chart_cells(name, 'player')} sweeps and animations moved ({took:.0f} s); "
                          f"screenshots target/browser/{Path(name).stem}*.png")
            problems = check_untrusted(page, base, token)
            if problems:
                failed += 1
                print("FAIL untrusted notebook: " + "; ".join(problems))
            else:
                passed += 1
                print("ok   untrusted executed notebook: every player shows its first frame and how to trust it")
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
