// ICU's C++ Normalizer2::normalizeUTF8 for the normalizer's dirty pieces (AIGCText, FormWriter). The C API has no
// UTF-8 normalization: through unorm2_normalize each dirty piece was converted to UTF-16 and back, and in text with
// many dirty pieces (emoji sequences, NFKC_Casefold) the two conversions and their buffers were ~10% of the run.
// normalizeUTF8 reads and writes UTF-8 directly (natively for the composing forms; ICU converts internally for NFD
// and NFKD), with the same result as normalizing the same text in UTF-16.
#include "cicu_normalize.h"
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

static const icu::Normalizer2 *normalizer(int32_t form, UErrorCode &err) {
    switch (form) {
    case CICU_NFC: return icu::Normalizer2::getNFCInstance(err);
    case CICU_NFD: return icu::Normalizer2::getNFDInstance(err);
    case CICU_NFKC: return icu::Normalizer2::getNFKCInstance(err);
    case CICU_NFKD: return icu::Normalizer2::getNFKDInstance(err);
    case CICU_NFKC_CF: return icu::Normalizer2::getNFKCCasefoldInstance(err);
    default: err = U_ILLEGAL_ARGUMENT_ERROR; return nullptr;
    }
}

extern "C" int32_t cicu_normalize_utf8(int32_t form, const uint8_t *src, int32_t len, uint8_t *dst, int32_t cap) {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2 *n = normalizer(form, err);
    if (U_FAILURE(err) || n == nullptr) return -(int32_t)(U_FAILURE(err) ? err : U_ILLEGAL_ARGUMENT_ERROR);
    icu::CheckedArrayByteSink sink(reinterpret_cast<char *>(dst), cap);
    n->normalizeUTF8(0, icu::StringPiece(reinterpret_cast<const char *>(src), len), sink, nullptr, err);
    if (U_FAILURE(err)) return -(int32_t)err;
    // On overflow the sink counts every byte it was given: the size to call again with.
    return sink.NumberOfBytesAppended();
}
