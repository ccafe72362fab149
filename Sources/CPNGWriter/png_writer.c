#include "png_writer.h"

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

/// Hands the entries to libpng, which writes them with png_write_end (after the image data).
static void set_text(png_structp png, png_infop info, const attnviz_png_text *texts, size_t count) {
  for (size_t i = 0; i < count; i++) {
    png_text entry;
    memset(&entry, 0, sizeof entry);
    entry.compression = PNG_ITXT_COMPRESSION_NONE;
    entry.key = (png_charp)texts[i].key;
    entry.text = (png_charp)texts[i].text;
    entry.lang = "";
    entry.lang_key = "";
    png_set_text(png, info, &entry, 1);
  }
}

int attnviz_png_encode(
  const unsigned char *rgba, uint32_t width, uint32_t height, int opaque,
  attnviz_png_compression compression, const attnviz_png_text *texts, size_t text_count,
  attnviz_png_output *out, char *message, size_t message_size) {
  writer_context context = {out, message, message_size};
  if (message_size > 0) message[0] = 0;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, on_error, on_warning);
  if (!png) {
    snprintf(message, message_size, "libpng could not start a writer");
    return 0;
  }
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, NULL);
    snprintf(message, message_size, "libpng could not start a writer");
    return 0;
  }
  // Nothing below is changed between setjmp and a longjmp back, so no local needs `volatile`.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return 0;
  }
  png_set_write_fn(png, &context, on_write, on_flush);
  png_set_IHDR(
    png, info, width, height, 8, opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA,
    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  // The same colour chunk the simplified API wrote: 8-bit sRGB values.
  png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
  png_set_compression_level(png, compression.level);
  png_set_compression_strategy(png, compression.strategy);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, compression.filters);
  png_write_info(png, info);
  // Input rows keep their 4th byte; for an RGB file libpng skips it.
  if (opaque) png_set_filler(png, 0, PNG_FILLER_AFTER);
  for (uint32_t y = 0; y < height; y++) {
    png_write_row(png, rgba + (size_t)y * width * 4);
  }
  set_text(png, info, texts, text_count);
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return 1;
}

void attnviz_png_output_free(attnviz_png_output *out) {
  free(out->data);
  out->data = NULL;
  out->size = 0;
  out->capacity = 0;
}
