// runtime/io/TensorPrint.cpp - NumPy-like rendering of tensors: nesting, alignment, summarization.
#include "runtime/io/TensorPrint.h"

#include "runtime/PackageFormat.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kiln::io {
namespace {

template <typename T> T load(const void *p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename T> std::string shortest(T v) {
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

/// The shortest decimal that converts back to the same 16-bit pattern:
/// printing the widened float would show noise digits (0.1 as 0.099975586).
std::string shortest16(uint16_t bits, bool isBf16) {
  float v = isBf16 ? bf16ToFloat(bits) : halfToFloat(bits);
  for (int precision = 1; precision < 10; ++precision) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*g", precision, double(v));
    float back = std::strtof(buf, nullptr);
    if ((isBf16 ? floatToBf16(back) : floatToHalf(back)) == bits)
      return buf;
  }
  return shortest(v);
}

/// A '.' marks integral floats as floats, as numpy does ("1." not "1").
std::string markFloat(std::string s) {
  if (s.find_first_of(".eni") == std::string::npos)
    s += '.';
  return s;
}

/// Recursive renderer; run once to measure the column width, then to print.
class Printer {
public:
  Printer(const TensorView &t, const PrintOptions &o) : t_(t), o_(o) {
    elementSize_ = format::dtypeSize(t.dtype);
    strides_.assign(t.dims.size(), 1);
    for (size_t i = t.dims.size(); i-- > 1;)
      strides_[i - 1] = strides_[i] * uint64_t(t.dims[i]);
    summarize_ = elementCount(t.dims) > o.threshold;
  }

  std::string render(bool &summarized) {
    summarized = false;
    measuring_ = true;
    visit(0, 0);
    measuring_ = false;
    out_.clear();
    visit(0, 0);
    summarized = summarized_;
    return out_;
  }

private:
  /// The indices of `axis` to show; -1 stands for the "..." gap.
  std::vector<int64_t> shownIndices(size_t axis) const {
    const int64_t n = t_.dims[axis], edge = int64_t(o_.edgeItems);
    std::vector<int64_t> idx;
    if (summarize_ && n > 2 * edge) {
      for (int64_t i = 0; i < edge; ++i)
        idx.push_back(i);
      idx.push_back(-1);
      for (int64_t i = n - edge; i < n; ++i)
        idx.push_back(i);
    } else {
      for (int64_t i = 0; i < n; ++i)
        idx.push_back(i);
    }
    return idx;
  }

  void emitElement(uint64_t flat) {
    std::string s = formatElement(
        t_.dtype, static_cast<const uint8_t *>(t_.data) + flat * elementSize_);
    if (measuring_) {
      width_ = std::max(width_, s.size());
      return;
    }
    out_.append(width_ - s.size(), ' ');
    out_ += s;
  }

  size_t column() const {
    size_t nl = out_.rfind('\n');
    return nl == std::string::npos ? out_.size() : out_.size() - nl - 1;
  }

  void visit(size_t axis, uint64_t base) {
    const size_t rank = t_.dims.size();
    if (rank == 0)
      return emitElement(0);
    out_ += '[';
    const std::vector<int64_t> idx = shownIndices(axis);
    for (size_t k = 0; k < idx.size(); ++k) {
      if (idx[k] < 0)
        summarized_ = true;
      if (axis + 1 == rank) { // Innermost: a row of elements, wrapped.
        if (k > 0) {
          out_ += ',';
          if (!measuring_ && column() + 1 + width_ + 1 > o_.lineWidth)
            out_ += '\n' + std::string(axis + 1, ' ');
          else
            out_ += ' ';
        }
        if (idx[k] < 0)
          out_ += "...";
        else
          emitElement(base + uint64_t(idx[k]));
        continue;
      }
      if (k > 0) // Blank lines between blocks of rank 3 and up, as numpy.
        out_ += ",\n" + std::string(rank - axis - 2, '\n') +
                std::string(axis + 1, ' ');
      if (idx[k] < 0)
        out_ += "...";
      else
        visit(axis + 1, base + uint64_t(idx[k]) * strides_[axis]);
    }
    out_ += ']';
  }

  const TensorView &t_;
  const PrintOptions &o_;
  size_t elementSize_ = 0;
  std::vector<uint64_t> strides_;
  bool summarize_ = false, summarized_ = false, measuring_ = false;
  size_t width_ = 0;
  std::string out_;
};

} // namespace

std::string formatElement(kiln_dtype dtype, const void *p) {
  switch (dtype) {
  case KILN_DTYPE_F32:
    return markFloat(shortest(load<float>(p)));
  case KILN_DTYPE_F64:
    return markFloat(shortest(load<double>(p)));
  case KILN_DTYPE_F16:
  case KILN_DTYPE_BF16:
    return markFloat(shortest16(load<uint16_t>(p), dtype == KILN_DTYPE_BF16));
  case KILN_DTYPE_I8:
    return std::to_string(load<int8_t>(p));
  case KILN_DTYPE_I16:
    return std::to_string(load<int16_t>(p));
  case KILN_DTYPE_I32:
    return std::to_string(load<int32_t>(p));
  case KILN_DTYPE_I64:
    return std::to_string(load<int64_t>(p));
  case KILN_DTYPE_U8:
    return std::to_string(load<uint8_t>(p));
  case KILN_DTYPE_U16:
    return std::to_string(load<uint16_t>(p));
  case KILN_DTYPE_U32:
    return std::to_string(load<uint32_t>(p));
  case KILN_DTYPE_U64:
    return std::to_string(load<uint64_t>(p));
  case KILN_DTYPE_BOOL:
    return load<uint8_t>(p) ? "True" : "False";
  default:
    return "?";
  }
}

std::string formatTensor(const TensorView &t, const PrintOptions &options,
                         bool &summarized) {
  return Printer(t, options).render(summarized);
}

} // namespace kiln::io
