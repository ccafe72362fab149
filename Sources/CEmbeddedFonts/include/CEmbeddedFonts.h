// DejaVu Sans and DejaVu Sans Bold subsets compiled into the binary (see
// scripts/make-embedded-font.sh), the font of last resort when no font file is found.
#ifndef ATTNVIZ_EMBEDDED_FONTS_H
#define ATTNVIZ_EMBEDDED_FONTS_H

const unsigned char *attnviz_embedded_font_regular(void);
unsigned long attnviz_embedded_font_regular_size(void);
const unsigned char *attnviz_embedded_font_bold(void);
unsigned long attnviz_embedded_font_bold_size(void);

#endif
