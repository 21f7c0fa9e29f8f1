// runtime/PackageFormat.h - constants and codecs of the .kpkg format, shared by reader and writer.
//
// docs/package-format.md is the specification; this header is its only
// transcription into code. Header-only and dependency-free (the public C
// header is used just for the kiln_dtype enum), so that both the runtime and
// the compiler-side writer include it without linking anything.
#ifndef KILN_RUNTIME_PACKAGEFORMAT_H
#define KILN_RUNTIME_PACKAGEFORMAT_H

#include "kiln/runtime.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kiln::format {

/// The 8 magic bytes at offset 0, NUL included.
inline constexpr char kMagic[8] = {'K', 'I', 'L', 'N', 'P', 'K', 'G', '\0'};
/// The only format version this code reads and writes.
inline constexpr uint32_t kVersion = 1;
/// Size of the fixed header; the manifest starts right after it.
inline constexpr uint64_t kHeaderSize = 64;
/// Alignment of the weights section, of each weight in it and of the code.
inline constexpr uint64_t kAlignment = 64;
/// The trailing FNV-1a checksum.
inline constexpr uint64_t kChecksumSize = 8;

/// Byte offsets of the header fields.
enum HeaderField : size_t {
  kMagicAt = 0,
  kVersionAt = 8,
  kFlagsAt = 12,
  kManifestOffsetAt = 16,
  kManifestSizeAt = 24,
  kWeightsOffsetAt = 32,
  kWeightsSizeAt = 40,
  kCodeOffsetAt = 48,
  kCodeSizeAt = 56,
};

/// The decoded header (everything but the magic).
struct Header {
  uint32_t version = kVersion;
  uint32_t flags = 0;
  uint64_t manifestOffset = kHeaderSize;
  uint64_t manifestSize = 0;
  uint64_t weightsOffset = 0;
  uint64_t weightsSize = 0;
  uint64_t codeOffset = 0;
  uint64_t codeSize = 0;
};

/// Reads a little-endian integer of `N` bytes; explicit so that the format
/// does not depend on the host's byte order.
template <typename T> inline T loadLE(const uint8_t *p) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<T>(p[i]) << (8 * i);
  return v;
}

/// Writes a little-endian integer.
template <typename T> inline void storeLE(uint8_t *p, T v) {
  for (size_t i = 0; i < sizeof(T); ++i)
    p[i] = static_cast<uint8_t>(v >> (8 * i));
}

/// Whether the first 8 bytes are the magic.
inline bool hasMagic(const uint8_t *p) {
  for (size_t i = 0; i < sizeof(kMagic); ++i)
    if (p[i] != static_cast<uint8_t>(kMagic[i]))
      return false;
  return true;
}

/// Decodes the 64-byte header at `p` (the magic is checked separately).
inline Header decodeHeader(const uint8_t *p) {
  Header h;
  h.version = loadLE<uint32_t>(p + kVersionAt);
  h.flags = loadLE<uint32_t>(p + kFlagsAt);
  h.manifestOffset = loadLE<uint64_t>(p + kManifestOffsetAt);
  h.manifestSize = loadLE<uint64_t>(p + kManifestSizeAt);
  h.weightsOffset = loadLE<uint64_t>(p + kWeightsOffsetAt);
  h.weightsSize = loadLE<uint64_t>(p + kWeightsSizeAt);
  h.codeOffset = loadLE<uint64_t>(p + kCodeOffsetAt);
  h.codeSize = loadLE<uint64_t>(p + kCodeSizeAt);
  return h;
}

/// Encodes magic and header into the 64 bytes at `p`.
inline void encodeHeader(const Header &h, uint8_t *p) {
  for (size_t i = 0; i < kHeaderSize; ++i)
    p[i] = 0;
  for (size_t i = 0; i < sizeof(kMagic); ++i)
    p[i] = static_cast<uint8_t>(kMagic[i]);
  storeLE(p + kVersionAt, h.version);
  storeLE(p + kFlagsAt, h.flags);
  storeLE(p + kManifestOffsetAt, h.manifestOffset);
  storeLE(p + kManifestSizeAt, h.manifestSize);
  storeLE(p + kWeightsOffsetAt, h.weightsOffset);
  storeLE(p + kWeightsSizeAt, h.weightsSize);
  storeLE(p + kCodeOffsetAt, h.codeOffset);
  storeLE(p + kCodeSizeAt, h.codeSize);
}

/// Rounds `v` up to a multiple of `kAlignment`.
inline constexpr uint64_t alignUp(uint64_t v) {
  return (v + kAlignment - 1) / kAlignment * kAlignment;
}

/// 64-bit FNV-1a parameters.
inline constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
inline constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

/// 64-bit FNV-1a over `size` bytes, continuing from `hash` so that a file can
/// be hashed piece by piece while it is written.
inline uint64_t fnv1a(const void *data, size_t size,
                      uint64_t hash = kFnvOffsetBasis) {
  const auto *p = static_cast<const uint8_t *>(data);
  for (size_t i = 0; i < size; ++i) {
    hash ^= p[i];
    hash *= kFnvPrime;
  }
  return hash;
}

/// A dtype as the manifest spells it, with its element size in bytes.
struct DTypeInfo {
  kiln_dtype dtype;
  const char *name;
  size_t size;
};

/// Every dtype of the format (docs/package-format.md, "Manifest").
inline constexpr DTypeInfo kDTypes[] = {
    {KILN_DTYPE_F32, "f32", 4},  {KILN_DTYPE_F64, "f64", 8},
    {KILN_DTYPE_F16, "f16", 2},  {KILN_DTYPE_BF16, "bf16", 2},
    {KILN_DTYPE_I8, "i8", 1},    {KILN_DTYPE_I16, "i16", 2},
    {KILN_DTYPE_I32, "i32", 4},  {KILN_DTYPE_I64, "i64", 8},
    {KILN_DTYPE_U8, "u8", 1},    {KILN_DTYPE_U16, "u16", 2},
    {KILN_DTYPE_U32, "u32", 4},  {KILN_DTYPE_U64, "u64", 8},
    {KILN_DTYPE_BOOL, "bool", 1},
};

/// The table entry of `dtype`, or nullptr for an invalid value.
inline const DTypeInfo *dtypeInfo(kiln_dtype dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return &info;
  return nullptr;
}

/// Parses a manifest dtype name; KILN_DTYPE_INVALID when unknown.
inline kiln_dtype dtypeFromName(std::string_view name) {
  for (const DTypeInfo &info : kDTypes)
    if (name == info.name)
      return info.dtype;
  return KILN_DTYPE_INVALID;
}

/// The manifest name of `dtype`, or "invalid".
inline const char *dtypeName(kiln_dtype dtype) {
  const DTypeInfo *info = dtypeInfo(dtype);
  return info ? info->name : "invalid";
}

/// Element size of `dtype` in bytes, 0 for an invalid value.
inline size_t dtypeSize(kiln_dtype dtype) {
  const DTypeInfo *info = dtypeInfo(dtype);
  return info ? info->size : 0;
}

} // namespace kiln::format

#endif // KILN_RUNTIME_PACKAGEFORMAT_H
