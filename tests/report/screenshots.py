"""A real browser renders the reports: headless Chromium screenshots at desktop and phone width.

Renders `triage report eval` and `triage report metrics` from the example files, takes a
screenshot of each at 1280 and 390 pixels wide, and checks that every screenshot is a picture of
a page (its size as asked, enough ink, enough distinct colours) rather than a blank or an error
page. Skipped (exit 77) with a note when Chromium is not installed (Debian: apt-get install
chromium). With --docs DIR, the desktop screenshots are also written there for the README.

Standard library only: the PNGs are decoded with zlib and struct.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
HEIGHT = 2000
WIDTHS = {"desktop": 1280, "phone": 390}


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def decode_png(data):
    """(width, height, channels, rows of bytes) of an 8-bit RGB or RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unexpected PNG format: depth {depth}, colour type {colour}")
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(line)
        previous = line
    return width, height, channels, rows


def ink(png_path):
    """Share of non-white pixels, luminance variance and distinct colours (sampled)."""
    with open(png_path, "rb") as f:
        width, height, channels, rows = decode_png(f.read())
    total = inked = 0
    lum_sum = lum_sq = 0.0
    colours = set()
    for row in rows[::2]:
        for x in range(0, width * channels, channels * 2):
            r, g, b = row[x], row[x + 1], row[x + 2]
            lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
            total += 1
            inked += lum < 245
            lum_sum += lum
            lum_sq += lum * lum
            colours.add((r >> 3, g >> 3, b >> 3))
    mean = lum_sum / total
    return {"width": width, "height": height, "inked": inked / total,
            "variance": lum_sq / total - mean * mean, "colours": len(colours)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--triage", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--out", default=None)
    parser.add_argument("--docs", default=None, help="also copy the desktop screenshots here")
    args = parser.parse_args()
    chromium = find_chromium()
    if not chromium:
        print("SKIPPED: Chromium is not installed, so no browser renders the reports "
              "(Debian: apt-get install chromium; tools/install-deps.sh installs it).")
        return SKIP
    out = args.out or tempfile.mkdtemp(prefix="triage_reports_")
    os.makedirs(out, exist_ok=True)
    # Run from the source folder, so that the header names the data files as a user would.
    pages = {
        "eval": ["report", "eval", "examples/labelled.jsonl"],
        "metrics": ["report", "metrics", "examples/history.jsonl"],
    }
    failures = []
    for name, command in pages.items():
        page = os.path.abspath(os.path.join(out, name + ".html"))
        subprocess.run([os.path.abspath(args.triage), *command, "-o", page], check=True,
                       cwd=args.source)
        for form, width in WIDTHS.items():
            png = os.path.join(out, f"{name}-{form}.png")
            if os.path.exists(png):
                os.remove(png)
            subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 "--no-first-run", "--disable-extensions", f"--user-data-dir={out}/profile",
                 f"--screenshot={png}", f"--window-size={width},{HEIGHT}", "file://" + page],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180, check=False)
            if not os.path.exists(png):
                failures.append(f"{png}: Chromium wrote no screenshot")
                continue
            seen = ink(png)
            print(f"{name} at {width}px: {seen['inked']:.1%} inked, luminance variance "
                  f"{seen['variance']:.0f}, {seen['colours']} colours -> {png}")
            if (seen["width"], seen["height"]) != (width, HEIGHT):
                failures.append(f"{png}: {seen['width']}x{seen['height']}, not {width}x{HEIGHT}")
            # A blank page has no ink; an error page has some text but few colours. A report
            # has text, tables, heatmaps and charts in several colours.
            if seen["inked"] < 0.03 or seen["variance"] < 200 or seen["colours"] < 40:
                failures.append(f"{png}: looks blank ({seen})")
            if args.docs and form == "desktop":
                os.makedirs(args.docs, exist_ok=True)
                shutil.copyfile(png, os.path.join(args.docs, f"report-{name}.png"))
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
