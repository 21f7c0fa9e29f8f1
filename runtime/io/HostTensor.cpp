// runtime/io/HostTensor.cpp - host tensor helpers: views, half-precision conversions, whole-file reads.
#include "runtime/io/HostTensor.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln::io {

TensorView view(const HostTensor &t) {
  TensorView v;
  v.dtype = t.dtype;
  v.dims = t.dims;
  v.data = t.data.data();
  v.byteSize = t.data.size();
  return v;
}

uint64_t elementCount(const std::vector<int64_t> &dims) {
  uint64_t n = 1;
  for (int64_t d : dims)
    n *= static_cast<uint64_t>(d);
  return n;
}

std::string shapeString(const std::vector<int64_t> &dims) {
  if (dims.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

float halfToFloat(uint16_t bits) {
  const uint32_t sign = (bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1f;
  const uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0) { // zero or subnormal: mantissa * 2^-24
    float v = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -v : v;
  }
  uint32_t f = exponent == 31
                   ? sign | 0x7f800000u | (mantissa << 13) // inf / nan
                   : sign | ((exponent + 112) << 23) | (mantissa << 13);
  float v;
  std::memcpy(&v, &f, sizeof v);
  return v;
}

uint16_t floatToHalf(float value) {
  uint32_t x;
  std::memcpy(&x, &value, sizeof x);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  uint32_t a = x & 0x7fffffffu;
  if (a > 0x7f800000u) // nan: keep it quiet
    return sign | 0x7e00u;
  if (a >= 0x477ff000u) // rounds to >= 65536 (or is inf): inf
    return sign | 0x7c00u;
  if (a < 0x38800000u) { // below 2^-14: subnormal half, value / 2^-24
    float f;
    std::memcpy(&f, &a, sizeof f);
    return sign | static_cast<uint16_t>(std::nearbyint(f * 16777216.0f));
  }
  // Normal: rebias the exponent (127 -> 15) and round the mantissa from 23
  // to 10 bits, to nearest even; a carry correctly bumps the exponent.
  a += 0xc8000fffu + ((a >> 13) & 1);
  return sign | static_cast<uint16_t>(a >> 13);
}

float bf16ToFloat(uint16_t bits) {
  uint32_t f = static_cast<uint32_t>(bits) << 16;
  float v;
  std::memcpy(&v, &f, sizeof v);
  return v;
}

uint16_t floatToBf16(float value) {
  uint32_t x;
  std::memcpy(&x, &value, sizeof x);
  if ((x & 0x7fffffffu) > 0x7f800000u) // nan: keep it quiet
    return static_cast<uint16_t>((x >> 16) | 0x40);
  x += 0x7fffu + ((x >> 16) & 1); // round to nearest even
  return static_cast<uint16_t>(x >> 16);
}

bool readFileBytes(const std::string &path, std::string &bytes,
                   std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    error = path + ": not a regular file";
    return false;
  }
  bytes.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  std::string why = "file shrank while reading";
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      why = std::strerror(errno);
    if (n <= 0)
      break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done != bytes.size()) {
    error = path + ": read failed: " + why;
    return false;
  }
  return true;
}

} // namespace kiln::io
