// Intel's ISA-L deflate (igzip), which compresses the figures' PNG image data: a sixth of zlib's
// time for files about 5 % larger (docs/performance.md, "The PNG encoder"). Only CPNGWriter uses it.
#include <isa-l/igzip_lib.h>
