// Issue 26 asks whether Debian's OpenBLAS would beat the engine's own products by a margin worth
// the dependency. This times, on one core, the products a forward pass makes: Y = X·Wᵀ for the
// weight shapes of SmolLM2-135M and Qwen2.5-0.5B, with M input rows (13: the lecture sentence's
// prefill; 1: one decoding step), through the engine's AVX kernels (engine_kernels.c, compiled
// in here as the package compiles it) and through cblas_sgemm / cblas_sgemv. It also reports
// the largest difference between the two results: OpenBLAS adds in another order (and with
// fused multiply-adds), so its bits differ from the engine's, which are the same on every
// machine. Built and run by bench/openblas/run.sh.
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_kernels.h"

extern void openblas_set_num_threads(int);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void fill(float *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    p[i] = ((seed >> 8) & 0xffff) / 65536.0f - 0.5f;
  }
}

// The engine's order (LinearJob in TransformerKernels.swift): output rows in chunks of 32, and
// for each chunk the input rows four at a time (dot4), the rest one at a time (dot1), so a
// chunk's weight rows stay in the cache while every input row reads them.
enum { CHUNK = 32 };

static void engine(const float *x, const float *w, int m, int n, int k, float *y, float *tmp) {
  for (int c = 0; c < n; c += CHUNK) {
    int count = n - c < CHUNK ? n - c : CHUNK;
    const float *wc = w + (size_t)c * k;
    int r = 0;
    for (; r + 4 <= m; r += 4) {
      attnviz_dot4_avx(x + (size_t)r * k, k, wc, k, count, k, tmp);
      for (int o = 0; o < count; o++)
        for (int i = 0; i < 4; i++) y[(size_t)(r + i) * n + c + o] = tmp[4 * o + i];
    }
    for (; r < m; r++) attnviz_dot1_avx(x + (size_t)r * k, wc, k, count, k, y + (size_t)r * n + c);
  }
}

static void blas(const float *x, const float *w, int m, int n, int k, float *y) {
  if (m == 1)
    cblas_sgemv(CblasRowMajor, CblasNoTrans, n, k, 1.0f, w, k, x, 1, 0.0f, y, 1);
  else
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, x, k, w, k, 0.0f, y, n);
}

typedef struct { const char *name; int n, k; } Shape;

static double median(double *v, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && v[j] < v[j - 1]; j--) { double t = v[j]; v[j] = v[j - 1]; v[j - 1] = t; }
  return v[n / 2];
}

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 21;
  if (!attnviz_kernels_avx()) { fprintf(stderr, "no AVX\n"); return 1; }
  openblas_set_num_threads(1);
  const Shape shapes[] = {
      {"SmolLM2 q/o 576x576", 576, 576},       {"SmolLM2 k/v 192x576", 192, 576},
      {"SmolLM2 gate/up 1536x576", 1536, 576}, {"SmolLM2 down 576x1536", 576, 1536},
      {"Qwen2.5 q/o 896x896", 896, 896},       {"Qwen2.5 gate/up 4864x896", 4864, 896},
      {"Qwen2.5 down 896x4864", 896, 4864},
  };
  const int rows[] = {13, 1};
  printf("| product (n×k) | rows | engine GFLOP/s | OpenBLAS GFLOP/s | OpenBLAS / engine | max |diff| |\n");
  printf("|---|---|---|---|---|---|\n");
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
    for (size_t ri = 0; ri < 2; ri++) {
      int m = rows[ri], n = shapes[s].n, k = shapes[s].k;
      float *x = malloc(sizeof(float) * m * k), *w = malloc(sizeof(float) * n * k);
      float *y1 = malloc(sizeof(float) * m * n), *y2 = malloc(sizeof(float) * m * n);
      float *tmp = malloc(sizeof(float) * 4 * CHUNK);
      fill(x, (size_t)m * k, 1), fill(w, (size_t)n * k, 2);
      double te[64], tb[64];
      int reps = 20;
      for (int i = 0; i < runs; i++) {
        double t0 = now();
        for (int j = 0; j < reps; j++) engine(x, w, m, n, k, y1, tmp);
        double t1 = now();
        for (int j = 0; j < reps; j++) blas(x, w, m, n, k, y2);
        double t2 = now();
        te[i] = (t1 - t0) / reps, tb[i] = (t2 - t1) / reps;
      }
      double flops = 2.0 * m * n * k, worst = 0;
      for (size_t i = 0; i < (size_t)m * n; i++) worst = fmax(worst, fabs((double)y1[i] - y2[i]));
      double ge = flops / median(te, runs) / 1e9, gb = flops / median(tb, runs) / 1e9;
      printf("| %s | %d | %.1f | %.1f | %.2f× | %.1e |\n", shapes[s].name, m, ge, gb, gb / ge, worst);
      free(x), free(w), free(y1), free(y2), free(tmp);
    }
  }
  return 0;
}
