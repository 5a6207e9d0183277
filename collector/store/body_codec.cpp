#include "collector/store/body_codec.hpp"

#include <zdict.h>
#include <zstd.h>

#include <algorithm>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace annexa::collector {
namespace {

// Level 1: ~800 MB/s on a report, within a few per cent of level 3's size on this kind of JSON.
constexpr int kLevel = 1;
constexpr std::size_t kDictionaryCapacity = 110 * 1024;

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

struct BodyDictionary::Handles {
  std::unique_ptr<ZSTD_CDict, decltype(&ZSTD_freeCDict)> compress{nullptr, &ZSTD_freeCDict};
  std::unique_ptr<ZSTD_DDict, decltype(&ZSTD_freeDDict)> decompress{nullptr, &ZSTD_freeDDict};
};

BodyDictionary::BodyDictionary(std::string bytes, std::uint32_t id, std::unique_ptr<Handles> handles)
    : bytes_(std::move(bytes)), id_(id), handles_(std::move(handles)) {}

BodyDictionary::~BodyDictionary() = default;

std::optional<std::string> BodyDictionary::train(const std::vector<std::string>& samples) {
  std::string joined;
  std::vector<std::size_t> sizes;
  for (const auto& s : samples) {
    joined += s;
    sizes.push_back(s.size());
  }
  // zstd's advice: a dictionary of ~100 KB, from about a hundred times as much sample text.
  std::string dictionary(std::min<std::size_t>(kDictionaryCapacity, joined.size() / 10), '\0');
  if (dictionary.empty()) return std::nullopt;
  const std::size_t n = ZDICT_trainFromBuffer(dictionary.data(), dictionary.size(), joined.data(), sizes.data(),
                                              static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(n)) return std::nullopt;
  dictionary.resize(n);
  return dictionary;
}

Result<std::shared_ptr<const BodyDictionary>> BodyDictionary::load(std::string bytes) {
  const std::uint32_t id = ZDICT_getDictID(bytes.data(), bytes.size());
  if (id == 0) return makeError("not a zstd dictionary");
  auto handles = std::make_unique<Handles>();
  handles->compress.reset(ZSTD_createCDict(bytes.data(), bytes.size(), kLevel));
  handles->decompress.reset(ZSTD_createDDict(bytes.data(), bytes.size()));
  if (!handles->compress || !handles->decompress) return makeError("zstd cannot load the dictionary");
  return std::shared_ptr<const BodyDictionary>(new BodyDictionary(std::move(bytes), id, std::move(handles)));
}

std::string compressBody(std::string_view body, const BodyDictionary* dictionary) {
  // Compressed into a per-thread buffer of the worst-case size, then copied out at its real size: a queued
  // report holds ~1/5 of its body, not the bound.
  thread_local std::string buffer;
  buffer.resize(ZSTD_compressBound(body.size()));
  ZSTD_CCtx* context = threadContext();
  // Only fails on a destination smaller than the bound or out of memory, neither of which can happen here.
  std::size_t n = ZSTD_CCtx_refCDict(context, dictionary ? dictionary->handles_->compress.get() : nullptr);
  if (!ZSTD_isError(n)) n = ZSTD_compress2(context, buffer.data(), buffer.size(), body.data(), body.size());
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  return buffer.substr(0, n);
}

std::uint32_t bodyDictionaryId(std::string_view stored) { return ZSTD_getDictID_fromFrame(stored.data(), stored.size()); }

Result<std::string> decompressBody(std::string_view stored, std::size_t maxSize, const BodyDictionary* dictionary) {
  const unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
    return makeError("stored report body is not a zstd frame");
  if (size > maxSize) return makeError("stored report body would expand to " + std::to_string(size) + " bytes");
  const std::uint32_t needed = bodyDictionaryId(stored);
  if (needed != 0 && (!dictionary || dictionary->id() != needed))
    return makeError("stored report body needs compression dictionary " + std::to_string(needed) + ", which is missing");
  std::string out(static_cast<std::size_t>(size), '\0');
  thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(), &ZSTD_freeDCtx);
  if (!context) throw std::bad_alloc();
  const std::size_t n = ZSTD_decompress_usingDDict(context.get(), out.data(), out.size(), stored.data(), stored.size(),
                                                   needed != 0 ? dictionary->handles_->decompress.get() : nullptr);
  if (ZSTD_isError(n) || n != out.size())
    return makeError(std::string("stored report body does not decompress: ") + (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short"));
  return out;
}

}  // namespace annexa::collector
