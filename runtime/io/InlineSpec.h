// runtime/io/InlineSpec.h - tensors written on the command line: "2x3xf32=1,2,3,4,5,6", "f32=1.5".
#ifndef KILN_RUNTIME_IO_INLINESPEC_H
#define KILN_RUNTIME_IO_INLINESPEC_H

#include "runtime/io/HostTensor.h"

#include <string>
#include <string_view>

namespace kiln::io {

/// Parses `DIMxDIMx...xDTYPE=V,V,...`: dims are non-negative integers, the
/// dtype a manifest name (f32, i64, bool, ...), and exactly one value per
/// element follows, row-major. A scalar has no dims ("f32=1.5"); an empty
/// tensor has an empty value list ("0x3xf32="). Floats accept inf and nan,
/// bools true/false/1/0; integers must fit their dtype. The spec (shortened
/// if long) starts every error message.
bool parseInlineTensor(std::string_view spec, HostTensor &out,
                       std::string &error);

} // namespace kiln::io

#endif // KILN_RUNTIME_IO_INLINESPEC_H
