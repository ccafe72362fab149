// AVX versions of the engine's dot products (see engine_kernels.h): each result is the bits the
// Swift kernels give, on any machine. Two products share each load here (four input rows times
// two weight rows, or one input row times four weight rows), which only changes which products
// run side by side, never the order of any one product's additions.
#include "engine_kernels.h"

#ifdef __clang__
#pragma clang fp contract(off)
#endif

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int attnviz_kernels_avx(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  // AVX (ECX bit 28) and OSXSAVE (bit 27), and the OS saving the SSE and AVX state (XCR0 bits 1-2).
  if ((c & (1u << 28)) == 0 || (c & (1u << 27)) == 0) return 0;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (lo & 6u) == 6u;
}

// The eight lanes added first to last, as Swift's SIMD sum() (starting from -0, which adds
// nothing: -0 + v is v for every v).
__attribute__((target("avx"))) static inline float lanes(__m256 v) {
  float l[8];
  _mm256_storeu_ps(l, v);
  float s = -0.0f;
  for (int i = 0; i < 8; i++) s += l[i];
  return s;
}

__attribute__((target("avx"))) void attnviz_dot4_avx(
    const float *x, ptrdiff_t xstride, const float *w, ptrdiff_t wstride, ptrdiff_t n,
    ptrdiff_t count, float *sums) {
  const float *x0 = x, *x1 = x + xstride, *x2 = x + 2 * xstride, *x3 = x + 3 * xstride;
  ptrdiff_t whole = count & ~(ptrdiff_t)7;
  ptrdiff_t o = 0;
  for (; o + 2 <= n; o += 2) {
    const float *wa = w + o * wstride, *wb = wa + wstride;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    for (ptrdiff_t k = 0; k < whole; k += 8) {
      __m256 va = _mm256_loadu_ps(wa + k), vb = _mm256_loadu_ps(wb + k);
      __m256 v = _mm256_loadu_ps(x0 + k);
      a0 = _mm256_add_ps(a0, _mm256_mul_ps(v, va));
      b0 = _mm256_add_ps(b0, _mm256_mul_ps(v, vb));
      v = _mm256_loadu_ps(x1 + k);
      a1 = _mm256_add_ps(a1, _mm256_mul_ps(v, va));
      b1 = _mm256_add_ps(b1, _mm256_mul_ps(v, vb));
      v = _mm256_loadu_ps(x2 + k);
      a2 = _mm256_add_ps(a2, _mm256_mul_ps(v, va));
      b2 = _mm256_add_ps(b2, _mm256_mul_ps(v, vb));
      v = _mm256_loadu_ps(x3 + k);
      a3 = _mm256_add_ps(a3, _mm256_mul_ps(v, va));
      b3 = _mm256_add_ps(b3, _mm256_mul_ps(v, vb));
    }
    float s[8] = {lanes(a0), lanes(a1), lanes(a2), lanes(a3),
                  lanes(b0), lanes(b1), lanes(b2), lanes(b3)};
    for (ptrdiff_t k = whole; k < count; k++) {
      float ak = wa[k], bk = wb[k];
      s[0] += x0[k] * ak;
      s[1] += x1[k] * ak;
      s[2] += x2[k] * ak;
      s[3] += x3[k] * ak;
      s[4] += x0[k] * bk;
      s[5] += x1[k] * bk;
      s[6] += x2[k] * bk;
      s[7] += x3[k] * bk;
    }
    for (int i = 0; i < 8; i++) sums[4 * o + i] = s[i];
  }
  for (; o < n; o++) {
    const float *wa = w + o * wstride;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (ptrdiff_t k = 0; k < whole; k += 8) {
      __m256 va = _mm256_loadu_ps(wa + k);
      a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(x0 + k), va));
      a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(x1 + k), va));
      a2 = _mm256_add_ps(a2, _mm256_mul_ps(_mm256_loadu_ps(x2 + k), va));
      a3 = _mm256_add_ps(a3, _mm256_mul_ps(_mm256_loadu_ps(x3 + k), va));
    }
    float s[4] = {lanes(a0), lanes(a1), lanes(a2), lanes(a3)};
    for (ptrdiff_t k = whole; k < count; k++) {
      float ak = wa[k];
      s[0] += x0[k] * ak;
      s[1] += x1[k] * ak;
      s[2] += x2[k] * ak;
      s[3] += x3[k] * ak;
    }
    for (int i = 0; i < 4; i++) sums[4 * o + i] = s[i];
  }
}

// One product in `dot`'s order from its two accumulators and the first remaining index.
__attribute__((target("avx"))) static inline float finish1(
    __m256 even, __m256 odd, const float *x, const float *w, ptrdiff_t k, ptrdiff_t count) {
  float s = lanes(_mm256_add_ps(even, odd));
  for (; k < count; k++) s += x[k] * w[k];
  return s;
}

__attribute__((target("avx"))) void attnviz_dot1_avx(
    const float *x, const float *w, ptrdiff_t wstride, ptrdiff_t n, ptrdiff_t count,
    float *sums) {
  ptrdiff_t whole = count & ~(ptrdiff_t)15;
  ptrdiff_t o = 0;
  for (; o + 4 <= n; o += 4) {
    const float *w0 = w + o * wstride, *w1 = w0 + wstride, *w2 = w1 + wstride, *w3 = w2 + wstride;
    __m256 e0 = _mm256_setzero_ps(), e1 = e0, e2 = e0, e3 = e0;
    __m256 d0 = e0, d1 = e0, d2 = e0, d3 = e0;
    for (ptrdiff_t k = 0; k < whole; k += 16) {
      __m256 u = _mm256_loadu_ps(x + k), v = _mm256_loadu_ps(x + k + 8);
      e0 = _mm256_add_ps(e0, _mm256_mul_ps(u, _mm256_loadu_ps(w0 + k)));
      d0 = _mm256_add_ps(d0, _mm256_mul_ps(v, _mm256_loadu_ps(w0 + k + 8)));
      e1 = _mm256_add_ps(e1, _mm256_mul_ps(u, _mm256_loadu_ps(w1 + k)));
      d1 = _mm256_add_ps(d1, _mm256_mul_ps(v, _mm256_loadu_ps(w1 + k + 8)));
      e2 = _mm256_add_ps(e2, _mm256_mul_ps(u, _mm256_loadu_ps(w2 + k)));
      d2 = _mm256_add_ps(d2, _mm256_mul_ps(v, _mm256_loadu_ps(w2 + k + 8)));
      e3 = _mm256_add_ps(e3, _mm256_mul_ps(u, _mm256_loadu_ps(w3 + k)));
      d3 = _mm256_add_ps(d3, _mm256_mul_ps(v, _mm256_loadu_ps(w3 + k + 8)));
    }
    sums[o] = finish1(e0, d0, x, w0, whole, count);
    sums[o + 1] = finish1(e1, d1, x, w1, whole, count);
    sums[o + 2] = finish1(e2, d2, x, w2, whole, count);
    sums[o + 3] = finish1(e3, d3, x, w3, whole, count);
  }
  for (; o < n; o++) {
    const float *w0 = w + o * wstride;
    __m256 e0 = _mm256_setzero_ps(), d0 = e0;
    for (ptrdiff_t k = 0; k < whole; k += 16) {
      e0 = _mm256_add_ps(e0, _mm256_mul_ps(_mm256_loadu_ps(x + k), _mm256_loadu_ps(w0 + k)));
      d0 = _mm256_add_ps(
          d0, _mm256_mul_ps(_mm256_loadu_ps(x + k + 8), _mm256_loadu_ps(w0 + k + 8)));
    }
    sums[o] = finish1(e0, d0, x, w0, whole, count);
  }
}


int attnviz_kernels_avx2(void) {
  if (!attnviz_kernels_avx()) return 0;
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (b & (1u << 5)) != 0;
}

// ggml's Float16, exactly (as floatFromHalf in SafeTensorsDType.swift).
static inline float half_float(const unsigned char *p) {
  unsigned h = (unsigned)p[0] | ((unsigned)p[1] << 8);
  unsigned sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1Fu, fraction = h & 0x3FFu;
  union {
    unsigned u;
    float f;
  } v;
  if (exponent == 0) {
    float magnitude = (float)fraction * 0x1p-24f;
    return sign ? -magnitude : magnitude;
  }
  v.u = exponent == 0x1F ? (sign | 0x7F800000u | (fraction << 13))
                         : (sign | ((exponent + 112) << 23) | (fraction << 13));
  return v.f;
}

// Eight unsigned bytes as 32-bit lanes.
__attribute__((target("avx2"))) static inline __m256i bytes8(const unsigned char *p) {
  return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

// `dot`'s accumulators: eight-element groups at even multiples of 8 go to `even`, the others to
// `odd`; every block below starts at a multiple of 16, so its groups alternate from `even`.
// With `store` set, the blocks are converted instead (attnviz_dequantize_avx2): each group's
// eight floats are written where `x` points, and nothing is added.
typedef struct {
  __m256 even, odd;
  int store;
} accumulators;

__attribute__((target("avx2"))) static inline void add_group(
    accumulators *acc, int odd, const float *x, __m256 w) {
  if (acc->store) {
    _mm256_storeu_ps((float *)x, w);
    return;
  }
  __m256 p = _mm256_mul_ps(_mm256_loadu_ps(x), w);
  if (odd)
    acc->odd = _mm256_add_ps(acc->odd, p);
  else
    acc->even = _mm256_add_ps(acc->even, p);
}

// block_q8_0 { half d; int8 qs[32]; }: y = q·d
__attribute__((target("avx2"), always_inline)) static inline void q8_0(
    accumulators *acc, const unsigned char *b, const float *x) {
  __m256 d = _mm256_set1_ps(half_float(b));
  for (int g = 0; g < 4; g++) {
    __m256i q = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + 2 + 8 * g)));
    add_group(acc, g & 1, x + 8 * g, _mm256_mul_ps(_mm256_cvtepi32_ps(q), d));
  }
}

// block_q4_1 { half d; half m; uint8 qs[16]; }: y = q·d + m, low nibbles 0…15, high 16…31
__attribute__((target("avx2"), always_inline)) static inline void q4_1(
    accumulators *acc, const unsigned char *b, const float *x) {
  __m256 d = _mm256_set1_ps(half_float(b)), m = _mm256_set1_ps(half_float(b + 2));
  __m256i low = _mm256_set1_epi32(0x0F);
  for (int g = 0; g < 4; g++) {
    __m256i q = bytes8(b + 4 + 8 * (g & 1));
    q = g < 2 ? _mm256_and_si256(q, low) : _mm256_srli_epi32(q, 4);
    __m256 y = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(q), d), m);
    add_group(acc, g & 1, x + 8 * g, y);
  }
}

// block_q5_0 { half d; uint8 qh[4]; uint8 qs[16]; }: bit j of qh is the fifth bit of element
// j, y = (q − 16)·d
__attribute__((target("avx2"), always_inline)) static inline void q5_0(
    accumulators *acc, const unsigned char *b, const float *x) {
  __m256 d = _mm256_set1_ps(half_float(b));
  unsigned qh = (unsigned)b[2] | ((unsigned)b[3] << 8) | ((unsigned)b[4] << 16) |
                ((unsigned)b[5] << 24);
  __m256i bits = _mm256_set1_epi32((int)qh);
  __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  __m256i low = _mm256_set1_epi32(0x0F), one = _mm256_set1_epi32(1);
  __m256i sixteen = _mm256_set1_epi32(16);
  for (int g = 0; g < 4; g++) {
    __m256i q = bytes8(b + 6 + 8 * (g & 1));
    q = g < 2 ? _mm256_and_si256(q, low) : _mm256_srli_epi32(q, 4);
    __m256i high = _mm256_and_si256(
        _mm256_srlv_epi32(bits, _mm256_add_epi32(lane, _mm256_set1_epi32(8 * g))), one);
    q = _mm256_sub_epi32(_mm256_or_si256(q, _mm256_slli_epi32(high, 4)), sixteen);
    add_group(acc, g & 1, x + 8 * g, _mm256_mul_ps(_mm256_cvtepi32_ps(q), d));
  }
}

// get_scale_min_k4: the 6-bit scale and min of sub-block j (0…7) packed in 12 bytes.
static inline void scale_min(int j, const unsigned char *s, float *scale, float *min) {
  if (j < 4) {
    *scale = (float)(s[j] & 63);
    *min = (float)(s[j + 4] & 63);
  } else {
    *scale = (float)((s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4));
    *min = (float)((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
  }
}

// block_q4_K { half d; half dmin; uint8 scales[12]; uint8 qs[128]; }: 8 sub-blocks of 32,
// y = (d·scale)·q − dmin·min
__attribute__((target("avx2"), always_inline)) static inline void q4_K(
    accumulators *acc, const unsigned char *b, const float *x) {
  float d = half_float(b), dmin = half_float(b + 2);
  __m256i low = _mm256_set1_epi32(0x0F);
  for (int group = 0; group < 4; group++) {
    float sc1, m1, sc2, m2;
    scale_min(2 * group, b + 4, &sc1, &m1);
    scale_min(2 * group + 1, b + 4, &sc2, &m2);
    __m256 d1 = _mm256_set1_ps(d * sc1), min1 = _mm256_set1_ps(dmin * m1);
    __m256 d2 = _mm256_set1_ps(d * sc2), min2 = _mm256_set1_ps(dmin * m2);
    const unsigned char *qs = b + 16 + 32 * group;
    const float *out = x + 64 * group;
    for (int g = 0; g < 4; g++) {
      __m256i q = _mm256_and_si256(bytes8(qs + 8 * g), low);
      __m256 y = _mm256_sub_ps(_mm256_mul_ps(d1, _mm256_cvtepi32_ps(q)), min1);
      add_group(acc, g & 1, out + 8 * g, y);
    }
    for (int g = 0; g < 4; g++) {
      __m256i q = _mm256_srli_epi32(bytes8(qs + 8 * g), 4);
      __m256 y = _mm256_sub_ps(_mm256_mul_ps(d2, _mm256_cvtepi32_ps(q)), min2);
      add_group(acc, g & 1, out + 32 + 8 * g, y);
    }
  }
}

// block_q6_K { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; half d; }: 16 sub-blocks of 16,
// y = (d·scale)·(q − 32); element 128·h + 32·i + l takes its low bits from ql[64·h + l] (i 0, 2)
// or ql[64·h + 32 + l] (i 1, 3), low nibble for i < 2, and bits 2i of qh[32·h + l].
__attribute__((target("avx2"), always_inline)) static inline void q6_K(
    accumulators *acc, const unsigned char *b, const float *x) {
  float d = half_float(b + 208);
  const signed char *scales = (const signed char *)(b + 192);
  __m256i low = _mm256_set1_epi32(0x0F), three = _mm256_set1_epi32(3);
  __m256i thirtytwo = _mm256_set1_epi32(32);
  for (int h = 0; h < 2; h++) {
    for (int i = 0; i < 4; i++) {
      for (int g = 0; g < 4; g++) {
        int l = 8 * g;
        __m256i ql = bytes8(b + 64 * h + 32 * (i & 1) + l);
        ql = i < 2 ? _mm256_and_si256(ql, low) : _mm256_srli_epi32(ql, 4);
        __m256i qh = bytes8(b + 128 + 32 * h + l);
        qh = _mm256_and_si256(_mm256_srl_epi32(qh, _mm_cvtsi32_si128(2 * i)), three);
        __m256i q = _mm256_sub_epi32(_mm256_or_si256(ql, _mm256_slli_epi32(qh, 4)), thirtytwo);
        __m256 scale = _mm256_set1_ps(d * (float)scales[8 * h + l / 16 + 2 * i]);
        __m256 y = _mm256_mul_ps(scale, _mm256_cvtepi32_ps(q));
        add_group(acc, g & 1, x + 128 * h + 32 * i + l, y);
      }
    }
  }
}

// Each type's two row loops, its block kernel inlined into both (one call per row, not per
// block, and `store` a constant the compiler folds away): `dot_T`, a stored row against x in
// `dot`'s order, and `convert_T`, the row's floats.
#define ROW_KERNELS(block, size, length)                                                   \
  __attribute__((target("avx2"))) static float dot_##block(                                \
      const unsigned char *row, ptrdiff_t blocks, const float *x) {                        \
    accumulators acc = {_mm256_setzero_ps(), _mm256_setzero_ps(), 0};                      \
    for (ptrdiff_t k = 0; k < blocks; k++) block(&acc, row + k * (size), x + k * (length)); \
    return lanes(_mm256_add_ps(acc.even, acc.odd));                                        \
  }                                                                                        \
  __attribute__((target("avx2"))) static void convert_##block(                             \
      const unsigned char *row, ptrdiff_t blocks, float *y) {                              \
    accumulators acc = {_mm256_setzero_ps(), _mm256_setzero_ps(), 1};                      \
    for (ptrdiff_t k = 0; k < blocks; k++) block(&acc, row + k * (size), y + k * (length)); \
  }

ROW_KERNELS(q4_1, 20, 32)
ROW_KERNELS(q5_0, 22, 32)
ROW_KERNELS(q8_0, 34, 32)
ROW_KERNELS(q4_K, 144, 256)
ROW_KERNELS(q6_K, 210, 256)

typedef struct {
  float (*dot)(const unsigned char *, ptrdiff_t, const float *);
  void (*convert)(const unsigned char *, ptrdiff_t, float *);
} row_kernels;

// The row loops of ggml type `type` (Q4_1 3, Q5_0 6, Q8_0 8, Q4_K 12, Q6_K 14); 0 for another.
static int row_kernels_of(int type, row_kernels *k) {
  switch (type) {
  case 3: *k = (row_kernels){dot_q4_1, convert_q4_1}; return 1;
  case 6: *k = (row_kernels){dot_q5_0, convert_q5_0}; return 1;
  case 8: *k = (row_kernels){dot_q8_0, convert_q8_0}; return 1;
  case 12: *k = (row_kernels){dot_q4_K, convert_q4_K}; return 1;
  case 14: *k = (row_kernels){dot_q6_K, convert_q6_K}; return 1;
  default: return 0;
  }
}

__attribute__((target("avx2"))) int attnviz_qdot1_avx2(
    int type, const void *base, ptrdiff_t row_bytes, const ptrdiff_t *order, ptrdiff_t first,
    ptrdiff_t n, ptrdiff_t blocks, const float *x, float *sums) {
  row_kernels kernels;
  if (!row_kernels_of(type, &kernels)) return 0;
  for (ptrdiff_t j = 0; j < n; j++) {
    ptrdiff_t r = first + j;
    const unsigned char *row = (const unsigned char *)base + (order ? order[r] : r) * row_bytes;
    sums[j] = kernels.dot(row, blocks, x);
  }
  return 1;
}

__attribute__((target("avx2"))) int attnviz_dequantize_avx2(
    int type, const void *source, ptrdiff_t blocks, float *target) {
  row_kernels kernels;
  if (!row_kernels_of(type, &kernels)) return 0;
  kernels.convert((const unsigned char *)source, blocks, target);
  return 1;
}

#else

int attnviz_kernels_avx(void) { return 0; }

int attnviz_kernels_avx2(void) { return 0; }

int attnviz_qdot1_avx2(
    int type, const void *base, ptrdiff_t row_bytes, const ptrdiff_t *order, ptrdiff_t first,
    ptrdiff_t n, ptrdiff_t blocks, const float *x, float *sums) {
  (void)type, (void)base, (void)row_bytes, (void)order, (void)first, (void)n, (void)blocks;
  (void)x, (void)sums;
  return 0;
}

int attnviz_dequantize_avx2(int type, const void *source, ptrdiff_t blocks, float *target) {
  (void)type, (void)source, (void)blocks, (void)target;
  return 0;
}

void attnviz_dot4_avx(
    const float *x, ptrdiff_t xstride, const float *w, ptrdiff_t wstride, ptrdiff_t n,
    ptrdiff_t count, float *sums) {
  (void)x, (void)xstride, (void)w, (void)wstride, (void)n, (void)count, (void)sums;
}

void attnviz_dot1_avx(
    const float *x, const float *w, ptrdiff_t wstride, ptrdiff_t n, ptrdiff_t count,
    float *sums) {
  (void)x, (void)w, (void)wstride, (void)n, (void)count, (void)sums;
}

#endif
