"""Writes the deflate input of each PNG given (its IDAT chunks inflated: the rows libpng
compressed, each with its filter byte) to OUT/rows-N.bin, for deflate.c. Standard library only.

    python3 bench/deflate/rows.py OUT samples/coreference/*.png
"""
import struct
import sys
import zlib
from pathlib import Path


def rows(png):
    data = Path(png).read_bytes()
    position, idat = 8, b""
    while position < len(data):
        length, = struct.unpack(">I", data[position:position + 4])
        if data[position + 4:position + 8] == b"IDAT":
            idat += data[position + 8:position + 8 + length]
        position += 12 + length
    return zlib.decompress(idat)


def main(out, pngs):
    Path(out).mkdir(parents=True, exist_ok=True)
    for index, png in enumerate(pngs):
        Path(out, f"rows-{index}.bin").write_bytes(rows(png))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
