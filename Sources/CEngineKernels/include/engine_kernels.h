// The engine's dot products on x86-64 CPUs with AVX, for what the Swift kernels
// (Sources/AttnvizModel/Engine/TransformerKernels.swift) compute with SIMD8<Float> lanes: the
// same eight lane sums, the same lane order and the same remainder loop, so each product is the
// same bits on every machine; AVX only does each eight-lane step in one instruction instead of
// two (x86-64's baseline, SSE2, has four lanes). No fused multiply-add: every product and every
// sum is rounded on its own, as Swift's `*` and `+` are.
#ifndef ATTNVIZ_ENGINE_KERNELS_H
#define ATTNVIZ_ENGINE_KERNELS_H

#include <stddef.h>

/// 1 when this CPU has AVX and the operating system saves its registers; 0 otherwise (and on
/// other architectures, where the Swift kernels run).
int attnviz_kernels_avx(void);

/// For the `n` weight rows w[o] (`wstride` floats apart) and the four input rows x[r]
/// (`xstride` apart), `count` floats each: sums[4·o + r] = x[r]·w[o], in `dot4`'s order (one
/// eight-lane sum over the whole blocks of eight, its lanes added first to last, then the
/// remaining elements one at a time). Call only when attnviz_kernels_avx() is 1.
void attnviz_dot4_avx(
    const float *x, ptrdiff_t xstride, const float *w, ptrdiff_t wstride, ptrdiff_t n,
    ptrdiff_t count, float *sums);

/// For the `n` weight rows w[o] (`wstride` floats apart) and one input row x: sums[o] = x·w[o],
/// in `dot`'s order (two eight-lane sums over alternate blocks of eight while sixteen remain,
/// added lane by lane, the lanes added first to last, then the remaining elements one at a
/// time). Call only when attnviz_kernels_avx() is 1.
void attnviz_dot1_avx(
    const float *x, const float *w, ptrdiff_t wstride, ptrdiff_t n, ptrdiff_t count,
    float *sums);

/// 1 when this CPU also has AVX2 (the integer lanes the quantised kernels unpack with).
int attnviz_kernels_avx2(void);

/// One input row x against `n` stored rows of a GGUF matrix, each `blocks` blocks of ggml type
/// `type` (Q4_1 3, Q5_0 6, Q8_0 8, Q4_K 12, Q6_K 14): sums[j] = x·w[first + j], where stored row
/// r starts at base + order[r]·row_bytes (order NULL: r itself). Each block is converted in
/// registers with the arithmetic of GGMLDequantize.swift (every product and sum rounded on its
/// own) and used at once, in `dot`'s order: the same bits as converting the row, then `dot`.
/// Returns 0, computing nothing, for another type. Call only when attnviz_kernels_avx2() is 1.
int attnviz_qdot1_avx2(
    int type, const void *base, ptrdiff_t row_bytes, const ptrdiff_t *order, ptrdiff_t first,
    ptrdiff_t n, ptrdiff_t blocks, const float *x, float *sums);

/// `blocks` blocks of ggml type `type` (as attnviz_qdot1_avx2's) at `source`, converted to
/// `blocks` · block-length floats at `target`: the floats GGMLDequantize.swift gives, bit for
/// bit. Returns 0, converting nothing, for another type. Call only when attnviz_kernels_avx2()
/// is 1.
int attnviz_dequantize_avx2(int type, const void *source, ptrdiff_t blocks, float *target);

#endif
