#!/bin/sh
# zlib against ISA-L's igzip on the rows of attnviz's PNGs (bench/deflate/deflate.c); needs
# libisal-dev. Usage: bench/deflate/run.sh [PNG ...] (default: the lecture sentence's figures)
set -e
cd "$(dirname "$0")/../.."
out=.build/deflate
mkdir -p "$out"
[ $# -gt 0 ] || set -- samples/coreference/*.png
rm -f "$out"/rows-*.bin
python3 bench/deflate/rows.py "$out" "$@"
${CC:-cc} -O2 -o "$out/deflate" bench/deflate/deflate.c -lisal -lz
"$out/deflate" "$out"/rows-*.bin
