#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Draw a coherent DMA pool as a PNG occupancy map.

Reads a pool's debugfs files (bitmap, starts, count, size, dma_base) from a
directory, either /sys/kernel/debug/dma-coherent/<pool> on a live system
or a saved copy, and writes one pixel block per page:

  dark blue   first page of a live buffer
  blue        other pages of live buffers
  light grey  free pages
  orange      free pages lost to alignment: pages of a free run that no
              single naturally aligned buffer filling that run could cover

Usage: pool-map.py POOL_DIR OUT.png [--width PAGES_PER_ROW]
"""

import argparse
import os
import struct
import sys
import zlib

COLOURS = {
    'start': (20, 40, 120),
    'used': (70, 110, 200),
    'free': (225, 225, 225),
    'lost': (245, 150, 40),
}


def parse_list(text, count):
    """Parse the kernel's %*pbl format ("0-4,9,12-15") into a set of pages."""
    pages = set()
    text = text.strip()
    if not text:
        return pages
    for part in text.split(','):
        lo, _, hi = part.partition('-')
        lo = int(lo)
        hi = int(hi) if hi else lo
        if hi >= count or lo > hi:
            raise ValueError(f'range {part} outside a pool of {count} pages')
        pages.update(range(lo, hi + 1))
    return pages


def read(pool_dir, name, default=None):
    path = os.path.join(pool_dir, name)
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        if default is not None:
            return default
        sys.exit(f'pool-map: cannot read {path}: is {pool_dir} a pool directory?')


def best_fit(start, end, base):
    """Largest naturally aligned request inside free pages [start, end)."""
    best = 0
    k = 0
    while (1 << k) <= end - start:
        align = 1 << k
        p = start + (-(base + start)) % align
        if p < end:
            best = max(best, min(end - p, align))
        k += 1
    return best


def classify(count, used, starts, base):
    kinds = ['free'] * count
    for p in used:
        kinds[p] = 'start' if p in starts else 'used'
    p = 0
    lost = 0
    while p < count:
        if kinds[p] != 'free':
            p += 1
            continue
        q = p
        while q < count and kinds[q] == 'free':
            q += 1
        waste = (q - p) - best_fit(p, q, base)
        for i in range(q - waste, q):
            kinds[i] = 'lost'
        lost += waste
        p = q
    return kinds, lost


def write_png(path, width, height, rows):
    def chunk(tag, data):
        body = tag + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))

    raw = b''.join(b'\0' + bytes(row) for row in rows)
    png = b'\x89PNG\r\n\x1a\n'
    png += chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
    png += chunk(b'IDAT', zlib.compress(raw, 9))
    png += chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(png)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('pool_dir')
    ap.add_argument('out')
    ap.add_argument('--width', type=int, default=0,
                    help='pages per row (default: about square)')
    ap.add_argument('--scale', type=int, default=0, help='pixels per page')
    args = ap.parse_args()

    count = int(read(args.pool_dir, 'count'))
    if count <= 0:
        sys.exit('pool-map: empty pool')
    page_size = int(read(args.pool_dir, 'size')) // count
    base_page = int(read(args.pool_dir, 'dma_base', '0'), 0) // page_size
    try:
        used = parse_list(read(args.pool_dir, 'bitmap'), count)
        starts = parse_list(read(args.pool_dir, 'starts', ''), count)
    except ValueError as e:
        sys.exit(f'pool-map: {e}')
    kinds, lost = classify(count, used, starts, base_page)

    width = args.width or max(16, 1 << ((count.bit_length() + 1) // 2))
    height = (count + width - 1) // width
    scale = args.scale or max(1, min(8, 1024 // width))
    rows = []
    for r in range(height):
        line = []
        for c in range(width):
            p = r * width + c
            rgb = COLOURS[kinds[p]] if p < count else (255, 255, 255)
            line.extend(rgb * scale)
        rows.extend([line] * scale)
    write_png(args.out, width * scale, height * scale, rows)

    n_used = len(used)
    print(f'{args.out}: {count} pages, {n_used} used ({100.0 * n_used / count:.1f}%), '
          f'{len(starts)} buffers, {count - n_used} free, {lost} lost to alignment')


if __name__ == '__main__':
    main()
