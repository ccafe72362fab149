#!/bin/sh
# The engine's products against Debian's OpenBLAS on one core (bench/openblas/products.c); needs
# libopenblas-dev. Usage: bench/openblas/run.sh [runs]
set -e
cd "$(dirname "$0")/../.."
out=.build/openblas-products
mkdir -p .build
${CC:-cc} -O2 -ffp-contract=off -o "$out" bench/openblas/products.c Sources/CEngineKernels/engine_kernels.c \
  -ISources/CEngineKernels/include -lopenblas -lm
OPENBLAS_NUM_THREADS=1 "$out" "${1:-21}"
