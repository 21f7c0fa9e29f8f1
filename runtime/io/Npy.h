// runtime/io/Npy.h - NumPy .npy files: read (format versions 1-3) and write.
#ifndef KILN_RUNTIME_IO_NPY_H
#define KILN_RUNTIME_IO_NPY_H

#include "runtime/io/HostTensor.h"

#include <string>
#include <string_view>

namespace kiln::io {

/// Parses the bytes of a .npy file: little-endian (or byte-order-free),
/// C order, dtypes f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1. `name` (the file
/// path) starts every error message.
bool parseNpy(std::string_view bytes, const std::string &name,
              HostTensor &out, std::string &error);

/// Reads the .npy file at `path`.
bool readNpy(const std::string &path, HostTensor &out, std::string &error);

/// Encodes `t` as a version 1.0 .npy (2.0 when the header needs it). bf16
/// has no NumPy dtype and is rejected.
bool encodeNpy(const TensorView &t, std::string &bytes, std::string &error);

/// Writes `t` to `path` atomically.
bool writeNpy(const std::string &path, const TensorView &t,
              std::string &error);

} // namespace kiln::io

#endif // KILN_RUNTIME_IO_NPY_H
