// runtime/io/TensorPrint.h - NumPy-like text rendering of tensors for kiln-run.
#ifndef KILN_RUNTIME_IO_TENSORPRINT_H
#define KILN_RUNTIME_IO_TENSORPRINT_H

#include "runtime/io/HostTensor.h"

#include <string>

namespace kiln::io {

/// How much of a tensor to print.
struct PrintOptions {
  /// Tensors with more elements are summarized: only `edgeItems` leading
  /// and trailing entries of each axis are shown, the rest as "...".
  size_t threshold = 1000;
  size_t edgeItems = 3;
  /// Rows wrap at this many characters.
  size_t lineWidth = 75;
};

/// Renders `t` like numpy's array repr without the "array(...)": nested
/// brackets, aligned columns, floats always with a '.' or exponent.
/// `summarized` tells whether elements were left out.
std::string formatTensor(const TensorView &t, const PrintOptions &options,
                         bool &summarized);

/// One element as text (shortest form that reads back to the same value).
std::string formatElement(kiln_dtype dtype, const void *element);

} // namespace kiln::io

#endif // KILN_RUNTIME_IO_TENSORPRINT_H
