// An output stream buffer that hands each full buffer (and the rest on flush) to a sink: a POSIX descriptor or a
// Windows handle in common/safe_file*.cpp. The sink writes everything it is given or returns false.
#pragma once

#include <cstddef>
#include <functional>
#include <streambuf>

namespace annexa {

class SinkBuffer : public std::streambuf {
 public:
  using Sink = std::function<bool(const char* data, std::size_t size)>;
  explicit SinkBuffer(Sink sink) : sink_(std::move(sink)) { setp(buffer_, buffer_ + sizeof buffer_); }
  ~SinkBuffer() override { flushBuffer(); }
  SinkBuffer(const SinkBuffer&) = delete;
  SinkBuffer& operator=(const SinkBuffer&) = delete;

 protected:
  int_type overflow(int_type c) override {
    if (!flushBuffer()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return flushBuffer() ? 0 : -1; }

 private:
  bool flushBuffer() {
    const auto size = static_cast<std::size_t>(pptr() - pbase());
    if (size > 0 && !sink_(pbase(), size)) return false;
    setp(buffer_, buffer_ + sizeof buffer_);
    return true;
  }

  Sink sink_;
  char buffer_[64 * 1024];
};

}  // namespace annexa
