#!/usr/bin/env python3
"""Renders every SVG given on the command line with a real SVG renderer (rsvg-convert, from
Debian's librsvg2-bin) and checks the picture against the SVG's own marks, so a renderer that
drops, moves or recolours them fails, not only a blank picture:

* the PNG has the SVG's width and height;
* every filled rectangle and polygon at least 4 px across and circle of radius 2 px or more
  shows, at its
  centre, the colour of the last filled shape painted over that point (its own, or a data
  point's over a map cell), within 24 per channel for anti-aliasing, for at least 97% of them
  (centres that a line or an outline painted later crosses are not compared: a dot's outline
  over its neighbour, a curve over a cell);
* every text has ink where its anchor and font size put it, and every line (a spike mark, a
  curve's segment, an axis) at the middle of its longest segment, for at least 99% of them.

Standard library only."""
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path


def read_png(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8, f"bit depth {depth}"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = {2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def colour(value):
    """(r, g, b) of a #RRGGBB fill, or None for any other paint (none, white, gradients)."""
    if not value or not value.startswith("#") or len(value) != 7 or value.upper() == "#FFFFFF":
        return None
    return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))


def marks_on(rows, bpp, w, h, svg_text):
    """(shapes checked, shapes matching, texts checked, texts with ink) for one picture."""
    def px(x, y):
        x, y = min(max(int(x), 0), w - 1), min(max(int(y), 0), h - 1)
        return tuple(rows[y][x * bpp : x * bpp + 3])

    def close(a, b):
        return all(abs(p - q) <= 24 for p, q in zip(a, b))

    solid = []  # (kind, geometry, fill, painting order) of every filled shape
    strokes = []  # (painting order, segments or ring, half width): lines and outlines
    texts = inked = 0
    for order, el in enumerate(ET.fromstring(svg_text).iter()):
        tag = el.tag.rsplit("}", 1)[-1]
        half = float(el.get("stroke-width", "1")) / 2 + 1.5
        if (el.get("stroke") or "none").lower() != "none":
            if tag in ("polyline", "polygon"):
                pts = [tuple(map(float, q.split(","))) for q in el.get("points", "").split()]
                strokes.append((order, ("line", pts + pts[:1] if tag == "polygon" else pts), half))
            elif tag == "rect":
                x, y, rw, rh = (float(el.get(k, "0")) for k in ("x", "y", "width", "height"))
                box = [(x, y), (x + rw, y), (x + rw, y + rh), (x, y + rh), (x, y)]
                strokes.append((order, ("line", box), half))
            elif tag == "circle":
                strokes.append((order, ("ring", (float(el.get("cx")), float(el.get("cy")), float(el.get("r", "0")))), half))
        fill = colour(el.get("fill"))
        painted = (el.get("fill") or "none").lower() != "none"
        opaque = painted and float(el.get("opacity", "1")) == 1.0 and el.get("fill-opacity") in (None, "1")
        if tag == "rect" and opaque:
            x, y, rw, rh = (float(el.get(k, "0")) for k in ("x", "y", "width", "height"))
            solid.append(("rect", (x, y, rw, rh), fill or (255, 255, 255), order))
        elif tag == "circle" and opaque:
            solid.append(("circle", (float(el.get("cx")), float(el.get("cy")), float(el.get("r", "0"))),
                          fill or (255, 255, 255), order))
        elif tag == "polygon" and opaque:
            pts = [tuple(map(float, q.split(","))) for q in el.get("points", "").split()]
            solid.append(("poly", pts, fill or (255, 255, 255), order))
        elif tag == "text" and (el.text or "").strip():
            size = float(el.get("font-size", "12"))
            x, y = float(el.get("x", "0")), float(el.get("y", "0"))
            width = 0.5 * size * len(el.text.strip())
            lo = {"start": x, "middle": x - width / 2, "end": x - width}.get(el.get("text-anchor", "start"), x)
            if el.get("transform"):  # rotated axis titles: look around the anchor point
                lo, width = x - size, 2 * size
            texts += 1
            inked += any(
                px(xx, yy) != (255, 255, 255)
                for yy in range(int(y - size), int(y + 1.5 * size) + 1)
                for xx in range(int(lo), int(lo + width) + 1)
            )

    def covers(shape, x, y):
        kind, g, _, _ = shape
        if kind == "rect":
            return g[0] <= x <= g[0] + g[2] and g[1] <= y <= g[1] + g[3]
        if kind == "poly":  # even-odd ray casting
            inside = False
            for (x0, y0), (x1, y1) in zip(g, g[1:] + g[:1]):
                if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                    inside = not inside
            return inside
        return (x - g[0]) ** 2 + (y - g[1]) ** 2 <= g[2] ** 2

    def stroked(after, x, y):
        """Whether a line or outline painted after `after` passes over (x, y)."""
        for order, (kind, g), half in strokes:
            if order <= after:
                continue
            if kind == "ring" and abs(((x - g[0]) ** 2 + (y - g[1]) ** 2) ** 0.5 - g[2]) <= half:
                return True
            if kind == "line":
                for (x0, y0), (x1, y1) in zip(g, g[1:]):
                    dx, dy = x1 - x0, y1 - y0
                    t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy or 1)))
                    if ((x - x0 - t * dx) ** 2 + (y - y0 - t * dy) ** 2) ** 0.5 <= half:
                        return True
        return False

    shapes = match = 0
    for i, (kind, g, fill, order) in enumerate(solid):
        if kind == "poly":
            xs, ys = [q[0] for q in g], [q[1] for q in g]
            big = max(xs) - min(xs) >= 4 and max(ys) - min(ys) >= 4
            x, y = sum(xs) / len(xs), sum(ys) / len(ys)
            if not covers((kind, g, fill, order), x, y):
                continue
        else:
            big = g[2] >= 4 and g[3] >= 4 if kind == "rect" else g[2] >= 2
            x, y = (g[0] + g[2] / 2, g[1] + g[3] / 2) if kind == "rect" else (g[0], g[1])
        if fill == (255, 255, 255) or not big:
            continue
        # What should show there: the last shape painted over that point (a dot over a cell).
        top = next(s for s in reversed(solid[i:]) if covers(s, x, y))
        if stroked(top[3], x, y):
            continue  # a line or outline crosses the centre: not a fill colour to compare
        shapes += 1
        match += close(px(x, y), top[2])
    # Lines (spikes, curves, axes): the middle of each one's longest segment is inked.
    lines = drawn = 0
    for order, (kind, g), half in strokes:
        if kind != "line" or len(g) < 2:
            continue
        (x0, y0), (x1, y1) = max(zip(g, g[1:]), key=lambda q: (q[1][0] - q[0][0]) ** 2 + (q[1][1] - q[0][1]) ** 2)
        if (x1 - x0) ** 2 + (y1 - y0) ** 2 < 9:
            continue
        lines += 1
        drawn += min(px((x0 + x1) / 2, (y0 + y1) / 2)) < 225
    return shapes, match, texts, inked, lines, drawn


def main(paths):
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for svg in paths:
            png = Path(tmp) / (Path(svg).stem + ".png")
            subprocess.run(["rsvg-convert", "-b", "white", svg, "-o", str(png)], check=True)
            w, h, bpp, rows = read_png(png)
            text = Path(svg).read_text()
            head = text[:300]
            want_w = int(head.split('width="')[1].split('"')[0])
            want_h = int(head.split('height="')[1].split('"')[0])
            shapes, match, texts, inked, lines, drawn = marks_on(rows, bpp, w, h, text)
            ok = (w, h) == (want_w, want_h) and shapes + texts > 0
            ok = ok and match >= 0.99 * shapes and inked >= 0.99 * texts and drawn >= 0.99 * lines
            failed += not ok
            print(f"{'ok' if ok else 'FAIL'} {svg}: {w}x{h}, {match} of {shapes} filled shapes in their colour, "
                  f"{inked} of {texts} texts and {drawn} of {lines} lines inked")
    print(f"svg render: {len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
