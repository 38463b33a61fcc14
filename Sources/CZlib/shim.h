#ifndef AIGC_CZLIB_SHIM_H
#define AIGC_CZLIB_SHIM_H
/* zlib (Debian zlib1g-dev; part of every macOS SDK) for reading .gz corpora in-process. */
#include <zlib.h>
/* inflateInit2 is a macro in zlib.h; Swift cannot call macros, so expose a function. */
static inline int aigc_inflate_init2(z_stream *strm, int windowBits) {
    return inflateInit2_(strm, windowBits, ZLIB_VERSION, (int)sizeof(z_stream));
}
#endif
