// zlib against Intel's ISA-L (igzip) on the rows attnviz's PNGs compress (bench/deflate/rows.py
// writes them): total compressed bytes and the best of 5 CPU times, for zlib at levels 1, 3 (what
// libpng writes for attnviz) and 6, and igzip at levels 0-3, each stream a complete zlib stream
// as a PNG's IDAT holds; then the same rows re-filtered with PNG's "sub" and "up" filters, which
// turn flat colour into runs of zeros, through zlib's fastest settings (level 1, and its
// run-length strategy) and igzip level 1, the filter's time counted in. Issue 26: the PNG
// encoding is most of the default job's time. (An igzip writer was built and reverted: under
// load its bytes varied; docs/performance.md.) Built and run by bench/deflate/run.sh; needs
// zlib1g-dev and libisal-dev.
#include <isa-l/igzip_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

enum { MAX_FILES = 64 };
static unsigned char *input[MAX_FILES], *original[MAX_FILES];
static size_t length[MAX_FILES], row_pixels[MAX_FILES], pixel_bytes[MAX_FILES];
static int files;

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int zlib_strategy = Z_DEFAULT_STRATEGY;

static size_t with_zlib(int level) {
  size_t total = 0;
  for (int i = 0; i < files; i++) {
    uLong capacity = compressBound(length[i]);
    unsigned char *out = malloc(capacity);
    z_stream s;
    memset(&s, 0, sizeof s);
    deflateInit2(&s, level, Z_DEFLATED, 15, 8, zlib_strategy);
    s.next_in = input[i], s.avail_in = length[i];
    s.next_out = out, s.avail_out = capacity;
    deflate(&s, Z_FINISH);
    total += s.total_out;
    deflateEnd(&s);
    free(out);
  }
  return total;
}

static size_t with_isal(int level) {
  static const int buffers[] = {ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT,
                                ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT};
  size_t total = 0;
  for (int i = 0; i < files; i++) {
    size_t capacity = length[i] + length[i] / 8 + 1024;
    unsigned char *out = malloc(capacity), *buffer = malloc(buffers[level]);
    struct isal_zstream s;
    isal_deflate_init(&s);
    s.level = level, s.level_buf = buffer, s.level_buf_size = buffers[level];
    s.gzip_flag = IGZIP_ZLIB, s.end_of_stream = 1, s.flush = NO_FLUSH;
    s.next_in = input[i], s.avail_in = length[i];
    s.next_out = out, s.avail_out = capacity;
    if (isal_deflate(&s) != COMP_OK || s.internal_state.state != ZSTATE_END) {
      fprintf(stderr, "igzip level %d failed\n", level);
      exit(1);
    }
    total += s.total_out;
    free(out), free(buffer);
  }
  return total;
}

static void report(const char *name, int level, size_t (*run)(int)) {
  double best = 1e9;
  size_t bytes = 0;
  for (int r = 0; r < 5; r++) {
    double start = cpu_seconds();
    bytes = run(level);
    double seconds = cpu_seconds() - start;
    if (seconds < best) best = seconds;
  }
  printf("| %s | %d | %zu | %.1f |\n", name, level, bytes, best * 1e3);
}

enum { FILTER_NONE, FILTER_SUB, FILTER_UP };
static int filter = FILTER_NONE;

/// Rewrites every row of `input` from the unfiltered `original` with `filter` (PNG's filter
/// types 0-2: each byte minus the one a pixel to the left, or the one above).
static void refilter(void) {
  for (int i = 0; i < files; i++) {
    size_t stride = row_pixels[i] * pixel_bytes[i] + 1, rows = length[i] / stride;
    for (size_t y = 0; y < rows; y++) {
      const unsigned char *row = original[i] + y * stride + 1;
      const unsigned char *above = y ? row - stride : NULL;
      unsigned char *out = input[i] + y * stride;
      out[0] = (unsigned char)filter;
      for (size_t x = 0; x < stride - 1; x++) {
        unsigned char before = filter == FILTER_SUB ? (x >= pixel_bytes[i] ? row[x - pixel_bytes[i]] : 0)
                             : filter == FILTER_UP ? (above ? above[x] : 0) : 0;
        out[1 + x] = row[x] - before;
      }
    }
  }
}

/// Filter then deflate, timed together.
static size_t filtered_zlib(int level) { refilter(); return with_zlib(level); }
static size_t filtered_isal(int level) { refilter(); return with_isal(level); }

int main(int argc, char **argv) {
  size_t raw = 0;
  for (int i = 1; i < argc && files < MAX_FILES; i++, files++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) { perror(argv[i]); return 1; }
    fseek(f, 0, SEEK_END);
    length[files] = ftell(f);
    fseek(f, 0, SEEK_SET);
    input[files] = malloc(length[files]);
    if (fread(input[files], 1, length[files], f) != length[files]) return 1;
    fclose(f);
    raw += length[files];
    const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
    int index, width, channels;
    if (sscanf(name, "rows-%d-%dx%d.bin", &index, &width, &channels) != 3) {
      fprintf(stderr, "%s: expected a name rows-N-WxC.bin (bench/deflate/rows.py)\n", argv[i]);
      return 1;
    }
    row_pixels[files] = width, pixel_bytes[files] = channels;
    original[files] = malloc(length[files]);
    memcpy(original[files], input[files], length[files]);
  }
  printf("%d files, %zu bytes of rows\n\n| deflate | level | bytes | CPU ms (best of 5) |\n", files, raw);
  printf("|---|---|---|---|\n");
  report("zlib " ZLIB_VERSION, 1, with_zlib);
  report("zlib " ZLIB_VERSION, 3, with_zlib);
  report("zlib " ZLIB_VERSION, 6, with_zlib);
  for (int level = 0; level <= 3; level++) report("ISA-L igzip", level, with_isal);
  static const char *names[] = {"none", "sub", "up"};
  for (filter = FILTER_SUB; filter <= FILTER_UP; filter++) {
    char name[64];
    printf("| | | | |\n");
    snprintf(name, sizeof name, "%s filter + zlib", names[filter]);
    zlib_strategy = Z_DEFAULT_STRATEGY;
    report(name, 1, filtered_zlib);
    snprintf(name, sizeof name, "%s filter + zlib, run-length", names[filter]);
    zlib_strategy = Z_RLE;
    report(name, 1, filtered_zlib);
    snprintf(name, sizeof name, "%s filter + igzip", names[filter]);
    report(name, 1, filtered_isal);
  }
  return 0;
}
