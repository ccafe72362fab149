// FreeType 2. FT_FREETYPE_H is a macro naming the header, which a modulemap cannot use.
#include <ft2build.h>
#include <freetype/freetype.h>
#include <freetype/ftglyph.h>
#include <freetype/ftoutln.h>
