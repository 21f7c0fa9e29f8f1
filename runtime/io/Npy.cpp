// runtime/io/Npy.cpp - NumPy .npy reader and writer.
//
// A .npy file is the magic "\x93NUMPY", a major and minor version byte, the
// header length (2 bytes little-endian in version 1, 4 bytes in versions 2
// and 3), then the header: a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and a newline, then the raw data.
#include "runtime/io/Npy.h"

#include "runtime/AtomicFile.h"
#include "runtime/PackageFormat.h"

#include <cctype>
#include <cstring>
#include <limits>

namespace kiln::io {
namespace {

constexpr char kNpyMagic[] = "\x93NUMPY";
constexpr size_t kNpyMagicSize = 6;

/// NumPy type codes (kind + size, without byte order) for each dtype.
struct NpyType {
  kiln_dtype dtype;
  const char *code;
};
constexpr NpyType kNpyTypes[] = {
    {KILN_DTYPE_F16, "f2"}, {KILN_DTYPE_F32, "f4"}, {KILN_DTYPE_F64, "f8"},
    {KILN_DTYPE_I8, "i1"},  {KILN_DTYPE_I16, "i2"}, {KILN_DTYPE_I32, "i4"},
    {KILN_DTYPE_I64, "i8"}, {KILN_DTYPE_U8, "u1"},  {KILN_DTYPE_U16, "u2"},
    {KILN_DTYPE_U32, "u4"}, {KILN_DTYPE_U64, "u8"}, {KILN_DTYPE_BOOL, "b1"},
};

/// The parsed header dict.
struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

/// A parser for the subset of Python literals that .npy headers use:
/// a dict of string keys to strings, True/False and tuples of integers.
class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  bool parse(NpyHeader &h, std::string &error) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    if (!expect('{'))
      return fail("expected '{'", error);
    while (!peek('}')) {
      std::string key;
      if (!parseString(key) || !expect(':'))
        return fail("expected 'key': value", error);
      if (key == "descr") {
        if (peek('['))
          return fail("structured dtypes are not supported", error);
        if (!parseString(h.descr))
          return fail("descr is not a string", error);
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (!parseBool(h.fortranOrder))
          return fail("fortran_order is not True or False", error);
        haveOrder = true;
      } else if (key == "shape") {
        if (!parseShape(h.shape))
          return fail("shape is not a tuple of non-negative integers", error);
        haveShape = true;
      } else {
        return fail("unexpected key '" + key + "'", error);
      }
      if (!expect(',') && !peek('}'))
        return fail("expected ',' or '}'", error);
    }
    if (!haveDescr || !haveOrder || !haveShape)
      return fail("missing descr, fortran_order or shape", error);
    return true;
  }

private:
  bool fail(const std::string &what, std::string &error) {
    error = "bad header: " + what;
    return false;
  }
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(uint8_t(text_[pos_])))
      ++pos_;
  }
  bool peek(char c) {
    skipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool expect(char c) {
    if (!peek(c))
      return false;
    ++pos_;
    return true;
  }
  bool parseString(std::string &out) {
    skipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
      return false;
    char quote = text_[pos_++];
    size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos)
      return false;
    out = std::string(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return true;
  }
  bool parseBool(bool &out) {
    skipSpace();
    for (auto [word, value] : {std::pair{"True", true}, {"False", false}}) {
      if (text_.substr(pos_, std::strlen(word)) == word) {
        pos_ += std::strlen(word);
        out = value;
        return true;
      }
    }
    return false;
  }
  bool parseShape(std::vector<int64_t> &out) {
    if (!expect('('))
      return false;
    while (!expect(')')) {
      skipSpace();
      uint64_t v = 0;
      size_t digits = 0;
      while (pos_ < text_.size() && std::isdigit(uint8_t(text_[pos_]))) {
        if (v > uint64_t(std::numeric_limits<int64_t>::max() / 10))
          return false;
        v = v * 10 + uint64_t(text_[pos_++] - '0');
        ++digits;
      }
      // NumPy writes 'L' suffixes in headers from Python 2.
      if (pos_ < text_.size() && text_[pos_] == 'L')
        ++pos_;
      if (digits == 0 || (!expect(',') && !peek(')')))
        return false;
      out.push_back(static_cast<int64_t>(v));
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

/// Maps a descr ('<f4', '|u1', '=i8', ...) to a dtype.
bool parseDescr(const std::string &descr, kiln_dtype &out,
                std::string &error) {
  if (descr.size() >= 2 && descr[0] == '>' && descr.substr(1) != "i1" &&
      descr.substr(1) != "u1" && descr.substr(1) != "b1") {
    error = "big-endian data ('" + descr + "') is not supported; save it "
            "little-endian (e.g. array.astype('<" + descr.substr(1) + "'))";
    return false;
  }
  std::string code = descr;
  if (!code.empty() && std::strchr("<>|=", code[0]))
    code.erase(0, 1);
  for (const NpyType &t : kNpyTypes)
    if (code == t.code) {
      out = t.dtype;
      return true;
    }
  error = "unsupported dtype '" + descr +
          "' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)";
  return false;
}

} // namespace

bool parseNpy(std::string_view bytes, const std::string &name,
              HostTensor &out, std::string &error) {
  auto fail = [&](const std::string &what) {
    error = name + ": " + what;
    return false;
  };
  if (bytes.size() < kNpyMagicSize + 2 ||
      bytes.substr(0, kNpyMagicSize) != std::string_view(kNpyMagic, kNpyMagicSize))
    return fail("not a .npy file (bad magic)");
  const uint8_t major = uint8_t(bytes[6]);
  if (major < 1 || major > 3)
    return fail("unsupported .npy format version " + std::to_string(major) +
                " (this reader supports versions 1 to 3)");
  const size_t lengthBytes = major == 1 ? 2 : 4;
  const size_t prefix = kNpyMagicSize + 2 + lengthBytes;
  if (bytes.size() < prefix)
    return fail("truncated header");
  const auto *p = reinterpret_cast<const uint8_t *>(bytes.data());
  const uint64_t headerSize = lengthBytes == 2
                                  ? format::loadLE<uint16_t>(p + 8)
                                  : format::loadLE<uint32_t>(p + 8);
  if (bytes.size() - prefix < headerSize)
    return fail("truncated header (" + std::to_string(headerSize) +
                " bytes announced, " + std::to_string(bytes.size() - prefix) +
                " present)");

  NpyHeader header;
  std::string why;
  if (!HeaderParser(bytes.substr(prefix, headerSize)).parse(header, why))
    return fail(why);
  kiln_dtype dtype;
  if (!parseDescr(header.descr, dtype, why))
    return fail(why);
  // A 1-D or scalar array is the same in both orders; anything else would
  // need a transpose that callers would not expect.
  if (header.fortranOrder && header.shape.size() > 1)
    return fail("fortran_order arrays are not supported; save a C-order "
                "array (numpy.ascontiguousarray)");

  const uint64_t elementSize = format::dtypeSize(dtype);
  uint64_t dataSize = elementSize;
  for (int64_t d : header.shape) {
    if (d != 0 && dataSize > std::numeric_limits<uint64_t>::max() / uint64_t(d))
      return fail("shape is too large");
    dataSize *= uint64_t(d);
  }
  const uint64_t present = bytes.size() - prefix - headerSize;
  if (present != dataSize)
    return fail((present < dataSize ? "truncated data (" : "size mismatch (") +
                std::to_string(present) + " data bytes, shape " +
                shapeString(header.shape) + " of " + header.descr + " needs " +
                std::to_string(dataSize) + ")");
  out.dtype = dtype;
  out.dims = std::move(header.shape);
  const char *data = bytes.data() + prefix + headerSize;
  out.data.assign(data, data + dataSize);
  return true;
}

bool readNpy(const std::string &path, HostTensor &out, std::string &error) {
  std::string bytes;
  return readFileBytes(path, bytes, error) &&
         parseNpy(bytes, path, out, error);
}

bool encodeNpy(const TensorView &t, std::string &bytes, std::string &error) {
  const char *code = nullptr;
  for (const NpyType &n : kNpyTypes)
    if (n.dtype == t.dtype)
      code = n.code;
  if (!code) {
    error = std::string("NumPy has no ") + format::dtypeName(t.dtype) +
            " dtype; write a .pb file instead";
    return false;
  }
  if (t.byteSize != elementCount(t.dims) * format::dtypeSize(t.dtype)) {
    error = "tensor byte size does not match its shape";
    return false;
  }
  std::string shape = "(";
  for (size_t i = 0; i < t.dims.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(t.dims[i]);
  shape += t.dims.size() == 1 ? ",)" : ")";
  std::string header = std::string("{'descr': '") +
                       (code[1] == '1' ? '|' : '<') + code +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces and a final newline so that the data starts 64-byte
  // aligned, as NumPy does.
  size_t prefix = kNpyMagicSize + 2 + 2;
  bool wide = prefix + header.size() + 1 > 65535;
  if (wide)
    prefix += 2;
  size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';

  bytes.assign(kNpyMagic, kNpyMagicSize);
  bytes += char(wide ? 2 : 1);
  bytes += char(0);
  uint8_t length[4];
  format::storeLE<uint32_t>(length, uint32_t(header.size()));
  bytes.append(reinterpret_cast<const char *>(length), wide ? 4 : 2);
  bytes += header;
  bytes.append(static_cast<const char *>(t.data), t.byteSize);
  return true;
}

bool writeNpy(const std::string &path, const TensorView &t,
              std::string &error) {
  std::string bytes;
  if (!encodeNpy(t, bytes, error)) {
    error = path + ": " + error;
    return false;
  }
  AtomicFile file(path);
  return file.open(error) && file.write(bytes.data(), bytes.size(), error) &&
         file.commit(error);
}

} // namespace kiln::io
