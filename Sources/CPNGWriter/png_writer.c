#include "png_writer.h"

#include <isa-l/igzip_lib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  attnviz_png_output *out;
  char *message;
  size_t message_size;
} writer_context;

static void on_error(png_structp png, png_const_charp text) {
  writer_context *context = png_get_error_ptr(png);
  snprintf(context->message, context->message_size, "%s", text);
  png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
  (void)png;
  (void)text;
}

static void on_write(png_structp png, png_bytep data, size_t length) {
  writer_context *context = png_get_io_ptr(png);
  attnviz_png_output *out = context->out;
  if (length > SIZE_MAX - out->size) png_error(png, "PNG larger than memory");
  if (out->size + length > out->capacity) {
    size_t capacity = out->capacity ? out->capacity : 1 << 16;
    while (capacity < out->size + length) {
      if (capacity > SIZE_MAX / 2) png_error(png, "PNG larger than memory");
      capacity *= 2;
    }
    unsigned char *grown = realloc(out->data, capacity);
    if (!grown) png_error(png, "out of memory for the PNG");
    out->data = grown;
    out->capacity = capacity;
  }
  memcpy(out->data + out->size, data, length);
  out->size += length;
}

static void on_flush(png_structp png) { (void)png; }

/// A growing byte buffer for the deflate stream, freed by the caller.
typedef struct {
  unsigned char *data;
  size_t size;
  size_t capacity;
} byte_buffer;

/// Makes room for at least `extra` more bytes; 0 when memory runs out.
static int reserve(byte_buffer *buffer, size_t extra) {
  if (buffer->capacity - buffer->size >= extra) return 1;
  size_t capacity = buffer->capacity ? buffer->capacity : 1 << 16;
  while (capacity - buffer->size < extra) {
    if (capacity > SIZE_MAX / 2) return 0;
    capacity *= 2;
  }
  unsigned char *grown = realloc(buffer->data, capacity);
  if (!grown) return 0;
  buffer->data = grown;
  buffer->capacity = capacity;
  return 1;
}

/// Copies rows `first..<first + count` into `staging` as PNG stores them: a filter byte (0,
/// none: the figures' flat colours compress as well unfiltered, measured in docs/performance.md)
/// then the pixels, without the alpha byte when `opaque`.
static size_t stage_rows(
  const unsigned char *rgba, uint32_t width, uint32_t first, uint32_t count, int opaque,
  unsigned char *staging) {
  unsigned char *out = staging;
  for (uint32_t y = first; y < first + count; y++) {
    const unsigned char *row = rgba + (size_t)y * width * 4;
    *out++ = 0;
    if (opaque) {
      // Each pixel stored as 4 bytes, 3 bytes on: the next pixel overwrites the alpha byte, and
      // the byte after the row's last pixel is the next row's filter byte or spare room.
      for (uint32_t x = 0; x < width; x++, out += 3) memcpy(out, row + (size_t)x * 4, 4);
    } else {
      memcpy(out, row, (size_t)width * 4);
      out += (size_t)width * 4;
    }
  }
  return (size_t)(out - staging);
}

/// The level buffer igzip needs at each level (0-3). Its size decides where igzip ends a block,
/// so it is fixed here: the same rows give the same bytes.
static const uint32_t level_buffer_sizes[] = {
  ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT, ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT};

/// About 256 KiB of rows are handed to igzip at a time: the staging copy stays in the cache.
enum { staging_target = 1 << 18 };

/// Deflates the image's rows into one zlib stream (what a PNG's IDAT chunks hold) with igzip at
/// `level`. Returns 1, or 0 with `message` filled.
static int deflate_rows(
  const unsigned char *rgba, uint32_t width, uint32_t height, int opaque, int level,
  byte_buffer *stream, char *message, size_t message_size) {
  if (level < 0 || level > 3) {
    snprintf(message, message_size, "igzip level %d is not 0-3", level);
    return 0;
  }
  size_t row_bytes = 1 + (size_t)width * (opaque ? 3 : 4);
  uint32_t batch = (uint32_t)(staging_target / row_bytes);
  if (batch == 0) batch = 1;
  unsigned char *staging = malloc(row_bytes * batch + 1);  // + 1: see stage_rows
  unsigned char *level_buffer = malloc(level_buffer_sizes[level]);
  struct isal_zstream zs;
  isal_deflate_init(&zs);
  zs.level = (uint32_t)level;
  zs.level_buf = level_buffer;
  zs.level_buf_size = level_buffer_sizes[level];
  zs.gzip_flag = IGZIP_ZLIB;
  zs.flush = NO_FLUSH;
  int ok = staging && level_buffer;
  if (!ok) snprintf(message, message_size, "out of memory for the PNG");
  for (uint32_t first = 0; ok && first < height; first += batch) {
    uint32_t count = height - first < batch ? height - first : batch;
    zs.next_in = staging;
    zs.avail_in = (uint32_t)stage_rows(rgba, width, first, count, opaque, staging);
    zs.end_of_stream = first + count == height;
    // igzip stops when the output is full: grow it and call again until the batch is taken
    // (and, for the last, the stream is finished).
    while (ok && (zs.avail_in > 0 || (zs.end_of_stream && zs.internal_state.state != ZSTATE_END))) {
      size_t room = zs.avail_in / 2 + (1 << 16);
      if (!reserve(stream, room)) {
        snprintf(message, message_size, "out of memory for the PNG");
        ok = 0;
        break;
      }
      size_t available = stream->capacity - stream->size;
      if (available > UINT32_MAX) available = UINT32_MAX;
      zs.next_out = stream->data + stream->size;
      zs.avail_out = (uint32_t)available;
      int status = isal_deflate(&zs);
      stream->size += available - zs.avail_out;
      if (status != COMP_OK) {
        snprintf(message, message_size, "igzip could not compress the image (error %d)", status);
        ok = 0;
      }
    }
  }
  free(staging);
  free(level_buffer);
  return ok;
}

/// Largest IDAT chunk written; a stream is split across as many as it needs.
enum { idat_size = 1 << 16 };

/// Writes the deflated rows as IDAT chunks through libpng's chunk writer (length, type, CRC).
static void write_idat(png_structp png, const byte_buffer *stream) {
  for (size_t offset = 0; offset < stream->size; offset += idat_size) {
    size_t length = stream->size - offset < idat_size ? stream->size - offset : idat_size;
    png_write_chunk(png, (png_const_bytep) "IDAT", stream->data + offset, length);
  }
}

/// A PNG keyword: 1-79 bytes of printable Latin-1, no leading, trailing or double spaces.
static int valid_keyword(const char *key) {
  size_t length = strlen(key);
  if (length == 0 || length > 79 || key[0] == ' ' || key[length - 1] == ' ') return 0;
  for (size_t i = 0; i < length; i++) {
    unsigned char c = (unsigned char)key[i];
    if (c < 32 || (c > 126 && c < 161)) return 0;
    if (c == ' ' && key[i + 1] == ' ') return 0;
  }
  return 1;
}

/// Writes each entry as an uncompressed iTXt chunk: keyword, NUL, compression flag 0, method 0,
/// an empty language tag and translated keyword (each NUL-terminated), then the UTF-8 text.
static void write_text(png_structp png, const attnviz_png_text *texts, size_t count) {
  for (size_t i = 0; i < count; i++) {
    if (!valid_keyword(texts[i].key)) png_error(png, "a text key is not a PNG keyword");
    static const unsigned char flags_and_empty_tags[5] = {0, 0, 0, 0, 0};
    size_t key_length = strlen(texts[i].key), text_length = strlen(texts[i].text);
    if (text_length > PNG_UINT_31_MAX - key_length - 5) png_error(png, "a text chunk is too long");
    png_write_chunk_start(png, (png_const_bytep) "iTXt", (png_uint_32)(key_length + 5 + text_length));
    png_write_chunk_data(png, (png_const_bytep)texts[i].key, key_length);
    png_write_chunk_data(png, flags_and_empty_tags, 5);
    png_write_chunk_data(png, (png_const_bytep)texts[i].text, text_length);
    png_write_chunk_end(png);
  }
}

int attnviz_png_encode(
  const unsigned char *rgba, uint32_t width, uint32_t height, int opaque, int level,
  const attnviz_png_text *texts, size_t text_count, attnviz_png_output *out, char *message,
  size_t message_size) {
  if (message_size > 0) message[0] = 0;
  // The image data first, before libpng starts: a failure here leaves nothing to unwind.
  byte_buffer stream = {NULL, 0, 0};
  if (!deflate_rows(rgba, width, height, opaque, level, &stream, message, message_size)) {
    free(stream.data);
    return 0;
  }
  writer_context context = {out, message, message_size};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!info) {
    png_destroy_write_struct(&png, NULL);
    free(stream.data);
    snprintf(message, message_size, "libpng could not start a writer");
    return 0;
  }
  // Nothing below is changed between setjmp and a longjmp back, so no local needs `volatile`.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    free(stream.data);
    return 0;
  }
  png_set_write_fn(png, &context, on_write, on_flush);
  png_set_IHDR(
    png, info, width, height, 8, opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA,
    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  // The same colour chunk the simplified API wrote: 8-bit sRGB values.
  png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
  png_write_info(png, info);  // signature, IHDR, sRGB
  write_idat(png, &stream);
  // After the image data, so the text never moves the pixels' bytes.
  write_text(png, texts, text_count);
  png_write_chunk(png, (png_const_bytep) "IEND", NULL, 0);
  png_destroy_write_struct(&png, &info);
  free(stream.data);
  return 1;
}

void attnviz_png_output_free(attnviz_png_output *out) {
  free(out->data);
  out->data = NULL;
  out->size = 0;
  out->capacity = 0;
}
