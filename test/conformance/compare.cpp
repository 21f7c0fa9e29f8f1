// test/conformance/compare.cpp - compares an actual tensor file with the expected one (.pb or .npy) within tolerances.
//
// usage: kiln_tensor_compare ACTUAL EXPECTED [--rtol=R] [--atol=A]
// Exit 0 when dtype and shape agree and every element satisfies
// |a - e| <= atol + rtol * |e| (NaN matches NaN, equal infinities match;
// integers and bools must be equal); exit 1 with one line saying why not;
// exit 2 on a bad command line or an unreadable file.
#include "runtime/io/HostTensor.h"
#include "runtime/io/Npy.h"
#include "runtime/io/OnnxPb.h"
#include "runtime/PackageFormat.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

bool read(const std::string &path, kiln::io::HostTensor &t, std::string &error) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".npy") == 0)
    return kiln::io::readNpy(path, t, error);
  return kiln::io::readPb(path, t, error);
}

/// Element `i` of `t` as a double (exact for every integer kiln carries but
/// 64-bit ones beyond 2^53, which the conformance data does not use).
double at(const kiln::io::HostTensor &t, size_t i) {
  const uint8_t *p = t.data.data();
  switch (t.dtype) {
  case KILN_DTYPE_F32: { float v; std::memcpy(&v, p + 4 * i, 4); return v; }
  case KILN_DTYPE_F64: { double v; std::memcpy(&v, p + 8 * i, 8); return v; }
  case KILN_DTYPE_F16: { uint16_t v; std::memcpy(&v, p + 2 * i, 2); return kiln::io::halfToFloat(v); }
  case KILN_DTYPE_BF16: { uint16_t v; std::memcpy(&v, p + 2 * i, 2); return kiln::io::bf16ToFloat(v); }
  case KILN_DTYPE_I8: return static_cast<int8_t>(p[i]);
  case KILN_DTYPE_U8: case KILN_DTYPE_BOOL: return p[i];
  case KILN_DTYPE_I16: { int16_t v; std::memcpy(&v, p + 2 * i, 2); return v; }
  case KILN_DTYPE_U16: { uint16_t v; std::memcpy(&v, p + 2 * i, 2); return v; }
  case KILN_DTYPE_I32: { int32_t v; std::memcpy(&v, p + 4 * i, 4); return v; }
  case KILN_DTYPE_U32: { uint32_t v; std::memcpy(&v, p + 4 * i, 4); return v; }
  case KILN_DTYPE_I64: { int64_t v; std::memcpy(&v, p + 8 * i, 8); return static_cast<double>(v); }
  case KILN_DTYPE_U64: { uint64_t v; std::memcpy(&v, p + 8 * i, 8); return static_cast<double>(v); }
  default: return 0;
  }
}

bool isFloat(kiln_dtype d) {
  return d == KILN_DTYPE_F32 || d == KILN_DTYPE_F64 || d == KILN_DTYPE_F16 ||
         d == KILN_DTYPE_BF16;
}

} // namespace

int main(int argc, char **argv) {
  double rtol = 1e-3, atol = 1e-5;
  std::string paths[2];
  int n = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--rtol=", 0) == 0)
      rtol = std::atof(arg.c_str() + 7);
    else if (arg.rfind("--atol=", 0) == 0)
      atol = std::atof(arg.c_str() + 7);
    else if (n < 2)
      paths[n++] = arg;
    else
      n = 3;
  }
  if (n != 2) {
    std::fprintf(stderr, "usage: kiln_tensor_compare ACTUAL EXPECTED [--rtol=R] [--atol=A]\n");
    return 2;
  }
  kiln::io::HostTensor actual, expected;
  std::string error;
  if (!read(paths[0], actual, error) || !read(paths[1], expected, error)) {
    std::printf("unreadable: %s\n", error.c_str());
    return 2;
  }
  if (actual.dtype != expected.dtype) {
    std::printf("dtype %s, expected %s\n", kiln::format::dtypeName(actual.dtype),
                kiln::format::dtypeName(expected.dtype));
    return 1;
  }
  if (actual.dims != expected.dims) {
    std::printf("shape %s, expected %s\n",
                kiln::io::shapeString(actual.dims).c_str(),
                kiln::io::shapeString(expected.dims).c_str());
    return 1;
  }
  size_t count = kiln::io::elementCount(expected.dims);
  bool floats = isFloat(expected.dtype);
  for (size_t i = 0; i < count; ++i) {
    double a = at(actual, i), e = at(expected, i);
    bool ok = floats ? ((std::isnan(a) && std::isnan(e)) || a == e ||
                        std::fabs(a - e) <= atol + rtol * std::fabs(e))
                     : a == e;
    if (!ok) {
      std::printf("element %zu is %.9g, expected %.9g (rtol %g, atol %g)\n", i,
                  a, e, rtol, atol);
      return 1;
    }
  }
  return 0;
}
