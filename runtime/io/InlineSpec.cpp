// runtime/io/InlineSpec.cpp - parser for command-line tensors such as "2x3xf32=1,2,3,4,5,6".
#include "runtime/io/InlineSpec.h"

#include "runtime/PackageFormat.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kiln::io {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// Parses one value of `dtype` into the element at `out`.
bool parseValue(std::string_view text, kiln_dtype dtype, uint8_t *out,
                std::string &error) {
  const std::string s(trim(text));
  auto bad = [&](const char *what) {
    error = "'" + s + "' is not " + what;
    return false;
  };
  if (s.empty())
    return bad("a value");
  char *end = nullptr;
  errno = 0;
  switch (dtype) {
  case KILN_DTYPE_F32:
  case KILN_DTYPE_F64:
  case KILN_DTYPE_F16:
  case KILN_DTYPE_BF16: {
    // Overflow to inf (ERANGE) is a legitimate reading of a float literal.
    double v = std::strtod(s.c_str(), &end);
    if (*end != '\0')
      return bad("a number");
    float f = static_cast<float>(v);
    uint16_t h = dtype == KILN_DTYPE_F16    ? floatToHalf(f)
                 : dtype == KILN_DTYPE_BF16 ? floatToBf16(f)
                                            : 0;
    if (dtype == KILN_DTYPE_F64)
      std::memcpy(out, &v, sizeof v);
    else if (dtype == KILN_DTYPE_F32)
      std::memcpy(out, &f, sizeof f);
    else
      std::memcpy(out, &h, sizeof h);
    return true;
  }
  case KILN_DTYPE_BOOL:
    if (s == "true" || s == "1")
      *out = 1;
    else if (s == "false" || s == "0")
      *out = 0;
    else
      return bad("a bool (true, false, 1, 0)");
    return true;
  default:
    break;
  }
  // Integers: parse wide, then check the dtype's range.
  const size_t size = format::dtypeSize(dtype);
  const bool isSigned = dtype == KILN_DTYPE_I8 || dtype == KILN_DTYPE_I16 ||
                        dtype == KILN_DTYPE_I32 || dtype == KILN_DTYPE_I64;
  const uint64_t umax = size == 8 ? ~uint64_t(0) : (uint64_t(1) << (8 * size)) - 1;
  const int64_t smax = int64_t(umax >> 1);
  const std::string what =
      std::string("an ") + format::dtypeName(dtype) + " in [" +
      (isSigned ? std::to_string(-smax - 1) + ", " + std::to_string(smax)
                : "0, " + std::to_string(umax)) +
      "]";
  if (isSigned) {
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (*end != '\0' || errno == ERANGE || v > smax || v < -smax - 1)
      return bad(what.c_str());
    std::memcpy(out, &v, size); // Little-endian: the low bytes.
  } else {
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    // strtoull accepts "-1" as a huge value; a sign is never valid here.
    if (*end != '\0' || errno == ERANGE || s[0] == '-' || v > umax)
      return bad(what.c_str());
    std::memcpy(out, &v, size);
  }
  return true;
}

} // namespace

bool parseInlineTensor(std::string_view spec, HostTensor &out,
                       std::string &error) {
  const std::string shown = spec.size() > 40
                                ? std::string(spec.substr(0, 37)) + "..."
                                : std::string(spec);
  auto fail = [&](const std::string &what) {
    error = shown + ": " + what;
    return false;
  };
  const size_t eq = spec.find('=');
  auto endsWith = [&](std::string_view suffix) {
    return spec.size() >= suffix.size() &&
           spec.substr(spec.size() - suffix.size()) == suffix;
  };
  if (eq == std::string_view::npos && (endsWith(".npy") || endsWith(".pb")))
    return fail("is not an inline tensor; to read a file, write @" + shown);
  const std::string_view type = spec.substr(0, eq);

  // "2x3xf32": dims separated by 'x', the dtype last.
  std::vector<int64_t> dims;
  const size_t lastX = type.rfind('x');
  const std::string_view dtypeName =
      lastX == std::string_view::npos ? type : type.substr(lastX + 1);
  const kiln_dtype dtype = format::dtypeFromName(dtypeName);
  if (dtype == KILN_DTYPE_INVALID)
    return fail("expected DIMSxDTYPE=VALUES such as 2x3xf32=1,2,3,4,5,6 "
                "(unknown dtype '" +
                std::string(dtypeName) + "')");
  if (lastX != std::string_view::npos) {
    std::string_view rest = type.substr(0, lastX);
    while (true) {
      const size_t x = rest.find('x');
      const std::string dim(rest.substr(0, x));
      char *end = nullptr;
      errno = 0;
      long long d = std::strtoll(dim.c_str(), &end, 10);
      if (dim.empty() || *end != '\0' || errno == ERANGE || d < 0 ||
          !std::isdigit(static_cast<unsigned char>(dim[0])))
        return fail("bad dim '" + dim + "'");
      dims.push_back(d);
      if (x == std::string_view::npos)
        break;
      rest.remove_prefix(x + 1);
    }
  }
  if (eq == std::string_view::npos)
    return fail("has no values (write " + std::string(type) +
                "=v1,v2,... or @file.npy)");

  const size_t elementSize = format::dtypeSize(dtype);
  uint64_t count = 1;
  for (int64_t d : dims) {
    if (d != 0 && count > (uint64_t(1) << 40) / uint64_t(d))
      return fail("shape is too large to write inline");
    count *= uint64_t(d);
  }
  std::vector<std::string_view> values;
  std::string_view list = spec.substr(eq + 1);
  if (!trim(list).empty()) {
    while (true) {
      const size_t comma = list.find(',');
      values.push_back(list.substr(0, comma));
      if (comma == std::string_view::npos)
        break;
      list.remove_prefix(comma + 1);
    }
  }
  if (values.size() != count)
    return fail("has " + std::to_string(values.size()) + " value" +
                (values.size() == 1 ? "" : "s") + ", but shape " +
                shapeString(dims) + " needs " + std::to_string(count));
  std::vector<uint8_t> data(count * elementSize);
  for (size_t i = 0; i < values.size(); ++i) {
    std::string why;
    if (!parseValue(values[i], dtype, data.data() + i * elementSize, why))
      return fail("value " + std::to_string(i) + ": " + why);
  }
  out.dtype = dtype;
  out.dims = std::move(dims);
  out.data = std::move(data);
  return true;
}

} // namespace kiln::io
