"""Checks the headless browser's rendering of the HTML report (issue 18.4).

    check_render.py REPORT.png DOM.html "EXPECTED TITLE" SVG_DIR

The PNG is decoded here with zlib (no imaging library): its size must be
the window's (1200 x 2000), it must not be one colour, and both its upper
and lower halves must hold non-white pixels (the page drew text and charts,
not a blank or error page). The DOM that chromium dumps after loading must
hold the title and the report's sections and three inline SVG charts; the
SVG files the CLI wrote must parse as XML and name the phases and pools.
Prints one summary line in the `N passed, N failed` form and exits non-zero
on any failure.
"""

import struct
import sys
import zlib
import xml.etree.ElementTree as ET


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = ihdr
    assert depth == 8 and interlace == 0, (depth, interlace)
    bpp = {2: 3, 6: 4, 0: 1, 4: 2}[colour]
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    png, dom_path, title, svg_dir = sys.argv[1:5]
    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print(("ok    " if ok else "FAIL  ") + name + (f": {detail}" if detail else ""))

    w, h, bpp, rows = read_png(png)
    check("screenshot is 1200 x 2000", (w, h) == (1200, 2000), f"{w} x {h}")
    colours = set()
    ink = [0, 0]
    for y, row in enumerate(rows):
        for x in range(0, w * bpp, bpp * 3):
            px = row[x : x + 3] if bpp >= 3 else row[x : x + 1] * 3
            colours.add(bytes(px))
            if min(px) < 200:
                ink[0 if y < h // 2 else 1] += 1
    check("screenshot is not one colour", len(colours) > 10, f"{len(colours)} colours")
    check("ink in the upper half", ink[0] > 1000, f"{ink[0]} dark samples")
    check("ink in the lower half", ink[1] > 100, f"{ink[1]} dark samples")

    dom = open(dom_path, encoding="utf-8").read()
    check("title in the DOM", f"<title>{title}</title>" in dom)
    check("heading in the DOM", f"<h1>{title}</h1>" in dom)
    for part in ["Binding constraints", "Justification memo", "Verification", "verified"]:
        check(f"'{part}' in the DOM", part in dom)
    check("three inline SVG charts", dom.count("<svg") == 3, f"{dom.count('<svg')}")

    names = ["pretrain", "posttrain", "serve", "h800-owned", "h100-owned", "h20-owned", "h20-buy", "ascend-910c-buy"]
    for f in ["schedule.svg", "cost.svg", "sweep.svg"]:
        try:
            root = ET.parse(f"{svg_dir}/{f}").getroot()
            text = " ".join(t for t in root.itertext())
            check(f"{f} parses as SVG", root.tag.endswith("svg"))
            if f == "schedule.svg":
                missing = [n for n in names if n not in text]
                check("schedule.svg names every phase and pool", not missing, f"missing {missing}")
        except ET.ParseError as e:
            check(f"{f} parses as XML", False, str(e))

    passed, failed = sum(results), len(results) - sum(results)
    print(f"browser: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
