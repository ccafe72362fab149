// A PNG writer: libpng writes the file (signature, IHDR, sRGB, every chunk's framing and CRC);
// the image data is deflated by Intel's ISA-L igzip instead of libpng's zlib, a sixth of the
// time (docs/performance.md, "The PNG encoder"). libpng has no hook for another deflate, so the
// rows are filtered (filter none, alpha dropped for opaque images) and deflated here, and
// handed to libpng as IDAT chunks, followed by the text chunks and IEND. Output goes into a
// growing buffer. libpng reports errors by longjmp, which Swift cannot catch: this C file
// catches them and returns them as a message.
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

/// A text chunk: `key` (1-79 Latin-1 characters) and UTF-8 `text`, both NUL-terminated.
typedef struct {
  const char *key;
  const char *text;
} attnviz_png_text;

/// Encodes `height` rows of `width` RGBA pixels (4 bytes each, rows `width * 4` bytes apart) as
/// an 8-bit PNG with an sRGB chunk: colour type RGB when `opaque` (alpha dropped), else RGBA,
/// the rows unfiltered and deflated by igzip at `level` (0-3) into IDAT chunks of at most
/// 64 KiB. The `text_count` entries of `texts` become uncompressed iTXt chunks after the image
/// data, just before IEND, in order (no language tag); each key must be a PNG keyword. Returns 1
/// on success; 0 with `message` filled on failure (`out` then holds nothing useful but must
/// still be freed).
int attnviz_png_encode(
  const unsigned char *rgba, uint32_t width, uint32_t height, int opaque, int level,
  const attnviz_png_text *texts, size_t text_count, attnviz_png_output *out, char *message,
  size_t message_size);

void attnviz_png_output_free(attnviz_png_output *out);

#endif
