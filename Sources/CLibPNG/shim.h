// libpng's simplified API (png_image_*), with the compound format macros re-exported as
// constants: Swift cannot import function-like or compound macros.
#include <png.h>

static const png_uint_32 attnviz_png_format_rgba = PNG_FORMAT_RGBA;
static const png_uint_32 attnviz_png_format_rgb = PNG_FORMAT_RGB;
static const png_uint_32 attnviz_png_image_version = PNG_IMAGE_VERSION;
static const png_uint_32 attnviz_png_image_flag_fast = PNG_IMAGE_FLAG_FAST;

// PNG_IMAGE_PNG_SIZE_MAX: an upper bound on the encoded size, so one write call suffices.
static inline size_t attnviz_png_image_size_max(png_imagep image) {
  return PNG_IMAGE_PNG_SIZE_MAX(*image);
}
