// A PNG writer on libpng's full API, for what the simplified png_image_* API cannot set: zlib's
// level and strategy and the row filters, rows taken straight from the rasteriser's RGBA buffer
// (libpng strips the alpha byte of opaque images itself), and output into a growing buffer
// instead of one of the worst-case size. libpng reports errors by longjmp, which Swift cannot
// catch: this C file catches them and returns them as a message.
#ifndef ATTNVIZ_PNG_WRITER_H
#define ATTNVIZ_PNG_WRITER_H

#include <stddef.h>
#include <stdint.h>

/// Bytes written so far; `data` is malloc'ed (free with attnviz_png_output_free).
typedef struct {
  unsigned char *data;
  size_t size;
  size_t capacity;
} attnviz_png_output;

/// How the image data is compressed: zlib `level` (0-9), zlib `strategy` (Z_DEFAULT_STRATEGY 0,
/// Z_FILTERED 1, Z_HUFFMAN_ONLY 2, Z_RLE 3), and libpng's filter mask (PNG_FILTER_NONE 0x08,
/// SUB 0x10, UP 0x20, AVG 0x40, PAETH 0x80; several let libpng choose per row).
typedef struct {
  int level;
  int strategy;
  int filters;
} attnviz_png_compression;

/// A text chunk: `key` (1-79 Latin-1 characters) and UTF-8 `text`, both NUL-terminated.
typedef struct {
  const char *key;
  const char *text;
} attnviz_png_text;

/// Encodes `height` rows of `width` RGBA pixels (4 bytes each, rows `width * 4` bytes apart) as an
/// 8-bit PNG with an sRGB chunk: colour type RGB when `opaque` (alpha dropped by libpng), else
/// RGBA. The `text_count` entries of `texts` become uncompressed iTXt chunks after the image
/// data, just before IEND, in order (no language tag). Returns 1 on success; 0 with `message`
/// filled on failure (`out` then holds nothing useful but must still be freed).
int attnviz_png_encode(
  const unsigned char *rgba, uint32_t width, uint32_t height, int opaque,
  attnviz_png_compression compression, const attnviz_png_text *texts, size_t text_count,
  attnviz_png_output *out, char *message, size_t message_size);

void attnviz_png_output_free(attnviz_png_output *out);

#endif
