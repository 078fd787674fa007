#!/usr/bin/env python3
"""Renders every SVG given on the command line with a real SVG renderer (rsvg-convert, from
Debian's librsvg2-bin) and fails unless each PNG has the SVG's size and is not blank: at
least 2% of its pixels differ from the white background. Standard library only."""
import struct
import subprocess
import sys
import tempfile
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


def main(paths):
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for svg in paths:
            png = Path(tmp) / (Path(svg).stem + ".png")
            subprocess.run(["rsvg-convert", "-b", "white", svg, "-o", str(png)], check=True)
            w, h, bpp, rows = read_png(png)
            head = Path(svg).read_text()[:300]
            want_w = int(head.split('width="')[1].split('"')[0])
            inked = sum(
                1
                for row in rows
                for x in range(w)
                if row[x * bpp : x * bpp + 3] != b"\xff\xff\xff"
            )
            frac = inked / (w * h)
            ok = w == want_w and frac >= 0.02
            failed += not ok
            print(f"{'ok' if ok else 'FAIL'} {svg}: {w}x{h}, {100 * frac:.1f}% inked")
    print(f"svg render: {len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
