// FreeType 2. FT_FREETYPE_H is a macro naming the header, which a modulemap cannot use; the
// load flags and face-flag tests below are macros Swift cannot import, so they are re-exported.
#include <ft2build.h>
#include <freetype/freetype.h>
#include <freetype/ftadvanc.h>
#include <freetype/ftglyph.h>
#include <freetype/ftoutln.h>

// Outlines only, unhinted: the same shapes at every size and rotation, from the system font
// and from the hinting-free embedded subset alike.
static const FT_Int32 attnviz_ft_load_outline = FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP;
static const FT_Int32 attnviz_ft_load_unscaled = FT_LOAD_NO_SCALE;

static inline int attnviz_ft_has_kerning(FT_Face face) { return FT_HAS_KERNING(face) ? 1 : 0; }
static inline int attnviz_ft_is_scalable(FT_Face face) { return FT_IS_SCALABLE(face) ? 1 : 0; }
