#include "collector/body_codec.hpp"

#include <zstd.h>

#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace annexa::collector {
namespace {

// Level 1: ~800 MB/s on a report, within a few per cent of level 3's size on this kind of JSON.
constexpr int kLevel = 1;

struct ContextDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

// One context per network thread, reused: creating one per report costs more than compressing it.
ZSTD_CCtx* threadContext() {
  thread_local std::unique_ptr<ZSTD_CCtx, ContextDeleter> context = [] {
    std::unique_ptr<ZSTD_CCtx, ContextDeleter> c(ZSTD_createCCtx());
    if (!c) throw std::bad_alloc();
    ZSTD_CCtx_setParameter(c.get(), ZSTD_c_compressionLevel, kLevel);
    // A frame checksum: a damaged or edited stored body fails to decompress instead of reading as other bytes.
    ZSTD_CCtx_setParameter(c.get(), ZSTD_c_checksumFlag, 1);
    return c;
  }();
  return context.get();
}

}  // namespace

std::string compressBody(std::string_view body) {
  // Compressed into a per-thread buffer of the worst-case size, then copied out at its real size: a queued
  // report holds ~1/5 of its body, not the bound.
  thread_local std::string buffer;
  buffer.resize(ZSTD_compressBound(body.size()));
  const std::size_t n = ZSTD_compress2(threadContext(), buffer.data(), buffer.size(), body.data(), body.size());
  // Only fails on a destination smaller than the bound or out of memory, neither of which can happen here.
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  return buffer.substr(0, n);
}

Result<std::string> decompressBody(std::string_view stored, std::size_t maxSize) {
  const unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
    return makeError("stored report body is not a zstd frame");
  if (size > maxSize) return makeError("stored report body would expand to " + std::to_string(size) + " bytes");
  std::string out(static_cast<std::size_t>(size), '\0');
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), stored.data(), stored.size());
  if (ZSTD_isError(n) || n != out.size())
    return makeError(std::string("stored report body does not decompress: ") + (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short"));
  return out;
}

}  // namespace annexa::collector
