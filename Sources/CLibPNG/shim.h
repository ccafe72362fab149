// libpng's simplified API (png_image_*) for decoding, with the compound format macros
// re-exported as constants: Swift cannot import function-like or compound macros. Encoding goes
// through our own writer on the full API (CPNGWriter).
#include <png.h>

static const png_uint_32 attnviz_png_format_rgba = PNG_FORMAT_RGBA;
static const png_uint_32 attnviz_png_image_version = PNG_IMAGE_VERSION;
