//===- ModelVision.h - Window geometry of conv and pooling ops --*- C++ -*-===//
//
// The arithmetic of sliding windows that the vision ops' type inference and
// their lowering share (see ModelVisionOps.td for the formulas).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_MODEL_IR_MODELVISION_H
#define KILN_DIALECTS_MODEL_IR_MODELVISION_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace kiln::model {

/// How a conv or pooling op pads its spatial dims: with its `pads`, or with
/// the pads ONNX's SAME_UPPER / SAME_LOWER compute from the input size.
enum class WindowPadding { Explicit, SameUpper, SameLower };

/// The `auto_pad` attribute's spelling of each mode ("explicit",
/// "same_upper", "same_lower"); nullopt for anything else.
std::optional<WindowPadding> parseWindowPadding(llvm::StringRef autoPad);

/// One spatial dim of a sliding window.
struct WindowDim {
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t padBegin = 0; ///< explicit pads (zero under SAME)
  int64_t padEnd = 0;
};

/// Pads and output size of a window dim over an input of known size.
struct WindowExtent {
  int64_t padBegin;
  int64_t padEnd;
  int64_t out;
};

/// Resolves a window dim over an input of static size `in`: the pads (SAME
/// ones computed) and the output size, rounded up under `ceilMode` where a
/// last window starting in the end padding is dropped. nullopt when there
/// is no window (the padded input is shorter than the dilated kernel, which
/// ceil_mode tolerates by up to stride - 1) or a size overflows.
std::optional<WindowExtent> resolveWindow(int64_t in, const WindowDim &dim,
                                          WindowPadding padding, bool ceilMode);

} // namespace kiln::model

#endif // KILN_DIALECTS_MODEL_IR_MODELVISION_H
