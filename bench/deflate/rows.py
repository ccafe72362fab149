"""Writes the deflate input of each PNG given (its IDAT chunks inflated: the rows the writer
compressed, each with its filter byte) to OUT/rows-N-WxC.bin (W pixels of C bytes a row, for
re-filtering), for deflate.c. Standard library only.

    python3 bench/deflate/rows.py OUT samples/coreference/*.png
"""
import struct
import sys
import zlib
from pathlib import Path


def rows(png):
    """The inflated image data, the width and the bytes a pixel (8-bit RGB or RGBA only)."""
    data = Path(png).read_bytes()
    width, = struct.unpack(">I", data[16:20])
    channels = {2: 3, 6: 4}[data[25]]
    position, idat = 8, b""
    while position < len(data):
        length, = struct.unpack(">I", data[position:position + 4])
        if data[position + 4:position + 8] == b"IDAT":
            idat += data[position + 8:position + 8 + length]
        position += 12 + length
    return zlib.decompress(idat), width, channels


def main(out, pngs):
    Path(out).mkdir(parents=True, exist_ok=True)
    for index, png in enumerate(pngs):
        data, width, channels = rows(png)
        Path(out, f"rows-{index}-{width}x{channels}.bin").write_bytes(data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
