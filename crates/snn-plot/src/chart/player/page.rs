//! What a player page is made of besides its frames: the script that plays it, and the
//! escaping and encoding of what goes into the page.

use std::fmt::Write as _;

/// The player: reads the JSON block next to it, replaces the note with the controls, and
/// swaps the picture. Plain ES5-level JavaScript, no dependencies.
pub(super) const PLAYER_JS: &str = r#"(function () {
  var me = document.currentScript, root = me && me.parentNode;
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var d = JSON.parse(root.querySelector(".snn-player-data").textContent);
  var img = root.querySelector(".snn-player-frame"), label = root.querySelector(".snn-player-label");
  var note = root.querySelector(".snn-player-note");
  if (note) note.parentNode.removeChild(note);
  var n = d.frames.length, cur = d.start, timer = null, speed = 1, urls = [];
  function svg(k) { return d.frames[k].map(function (i) { return d.lines[i]; }).join("\n"); }
  function el(tag, text, attrs) {
    var e = document.createElement(tag); if (text) e.textContent = text;
    for (var a in attrs || {}) e.setAttribute(a, attrs[a]);
    return e;
  }
  var bar = el("div", "", {"class": "snn-player-controls", style: "display:flex;gap:6px;align-items:center;font:14px sans-serif;margin:4px 0"});
  var back = el("button", "\u25c0", {"class": "snn-player-back", title: "previous (\u2190)", "aria-label": "previous"});
  var play = el("button", "\u25b6 play", {"class": "snn-player-play", title: "play / pause (space)"});
  var fwd = el("button", "\u25b6", {"class": "snn-player-next", title: "next (\u2192)", "aria-label": "next"});
  var range = el("input", "", {"class": "snn-player-slider", type: "range", min: "0", max: String(n - 1), step: "1", value: String(cur), "aria-label": d.name, style: "flex:1"});
  var rate = el("select", "", {"class": "snn-player-speed", title: "speed"});
  [0.25, 0.5, 1, 2, 4].forEach(function (s) { var o = el("option", s + "\u00d7", {value: String(s)}); if (s === 1) o.selected = true; rate.appendChild(o); });
  bar.appendChild(back);
  if (d.kind === "animation") bar.appendChild(play);
  bar.appendChild(fwd); bar.appendChild(range);
  if (d.kind === "animation") bar.appendChild(rate);
  root.insertBefore(bar, img);
  label.setAttribute("aria-live", "polite");
  img.style.maxWidth = "100%"; img.style.height = "auto";
  function show(k) {
    cur = Math.max(0, Math.min(n - 1, k));
    if (!urls[cur]) urls[cur] = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg(cur));
    img.src = urls[cur]; img.alt = img.title = d.titles[cur];
    img.setAttribute("data-frame", String(cur));
    label.textContent = d.labels[cur] + "  (" + (cur + 1) + " of " + n + ")";
    range.value = String(cur);
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "\u25b6 play"; }
  function start() {
    if (cur >= n - 1) show(0);
    play.textContent = "\u23f8 pause";
    timer = setInterval(function () { if (cur >= n - 1) stop(); else show(cur + 1); }, d.interval / speed);
  }
  back.onclick = function () { stop(); show(cur - 1); };
  fwd.onclick = function () { stop(); show(cur + 1); };
  play.onclick = function () { if (timer) stop(); else start(); };
  rate.onchange = function () { speed = Number(rate.value); if (timer) { stop(); start(); } };
  range.oninput = function () { stop(); show(Number(range.value)); };
  root.tabIndex = 0;
  // Keys are handled here, in the capture phase, for the slider too: JupyterLab keeps arrow
  // keys for itself, so the slider's own handling never sees them inside a notebook.
  root.addEventListener("keydown", function (e) {
    var step = {ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1}[e.key];
    if (step !== undefined) { stop(); show(cur + step); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(n - 1); }
    else if (e.key === " " && d.kind === "animation") { if (timer) stop(); else start(); }
    else return;
    e.preventDefault(); e.stopPropagation();
  }, true);
  show(cur);
})();"#;

/// Escapes text for an HTML attribute or element.
pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Appends `s` as a JSON string literal.
pub(super) fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends standard base64 (with padding) of `bytes`.
pub(super) fn base64(out: &mut String, bytes: &[u8]) {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextets = [(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63];
        for (i, &x) in sextets.iter().enumerate() {
            if i <= chunk.len() {
                out.push(T[x as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

/// FNV-1a, for an id that is the same on every run for the same output.
pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
