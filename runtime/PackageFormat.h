// runtime/PackageFormat.h - constants and codecs of the .kpkg format (version 2), shared by reader and writer.
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
#include <cstring>
#include <string>
#include <string_view>

namespace kiln::format {

/// The 8 magic bytes at offset 0, NUL included.
inline constexpr char kMagic[8] = {'K', 'I', 'L', 'N', 'P', 'K', 'G', '\0'};
/// The only format version this code reads and writes.
inline constexpr uint32_t kVersion = 2;
/// Size of the fixed header; the section table starts right after it.
inline constexpr uint64_t kHeaderSize = 64;
/// Size of one section table entry.
inline constexpr uint32_t kSectionEntrySize = 64;
/// The most sections a reader accepts: a bound on the table a corrupted
/// count could make it hash.
inline constexpr uint32_t kMaxSections = 4096;
/// The smallest alignment of any section, and the alignment of each weight
/// inside the weights section.
inline constexpr uint64_t kAlignment = 64;
/// The alignment the writer gives the weights section: a page, so that the
/// weights can be mapped or advised on their own.
inline constexpr uint64_t kWeightsSectionAlignment = 4096;
/// Bytes of a section entry's target field (NUL-padded ASCII).
inline constexpr size_t kTargetSize = 24;

/// Byte offsets of the header fields.
enum HeaderField : size_t {
  kMagicAt = 0,
  kVersionAt = 8,
  kFlagsAt = 12,
  kFileSizeAt = 16,
  kSectionCountAt = 24,
  kSectionEntrySizeAt = 28,
  kSectionTableOffsetAt = 32,
  kReservedAt = 40, // 16 bytes, zero
  kHeaderChecksumAt = 56,
};

/// Byte offsets of the fields of a section table entry.
enum SectionField : size_t {
  kKindAt = 0,
  kSectionFlagsAt = 4,
  kOffsetAt = 8,
  kSizeAt = 16,
  kAlignmentAt = 24,
  kChecksumAt = 32,
  kTargetAt = 40, // kTargetSize bytes
};

/// What a section holds. The numbers are part of the format; 0 and numbers
/// above kWeights are invalid in version 2.
enum SectionKind : uint32_t {
  kManifest = 1,
  /// An ELF shared object for the CPU; target is its architecture ("x86_64").
  kHostCode = 2,
  /// PTX text; target is the virtual architecture ("compute_90").
  kPtx = 3,
  /// A CUDA binary; target is the real architecture ("sm_90").
  kCubin = 4,
  kWeights = 5,
};

/// A readable name of a section kind, for messages.
inline const char *sectionKindName(uint32_t kind) {
  switch (kind) {
  case kManifest:
    return "manifest";
  case kHostCode:
    return "host code";
  case kPtx:
    return "PTX";
  case kCubin:
    return "cubin";
  case kWeights:
    return "weights";
  default:
    return "unknown";
  }
}

/// The decoded header (everything but the magic).
struct Header {
  uint32_t version = kVersion;
  uint32_t flags = 0;
  uint64_t fileSize = 0;
  uint32_t sectionCount = 0;
  uint32_t sectionEntrySize = kSectionEntrySize;
  uint64_t sectionTableOffset = kHeaderSize;
  uint64_t reserved[2] = {0, 0};
  uint64_t checksum = 0;
};

/// One decoded section table entry.
struct Section {
  uint32_t kind = 0;
  uint32_t flags = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t alignment = kAlignment;
  uint64_t checksum = 0;
  /// The target field up to its first NUL.
  std::string target;
  /// Whether the target field is printable ASCII followed only by NULs.
  bool targetValid = true;
};

/// Reads a little-endian integer; explicit so that the format does not
/// depend on the host's byte order.
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
  return std::memcmp(p, kMagic, sizeof(kMagic)) == 0;
}

/// The format version of a file whose first 12 bytes are at `p`. Every
/// version keeps it at offset 8, so a reader can name the version of a file
/// whose layout it does not know.
inline uint32_t decodeVersion(const uint8_t *p) {
  return loadLE<uint32_t>(p + kVersionAt);
}

/// Decodes the 64-byte header at `p` (the magic is checked separately).
inline Header decodeHeader(const uint8_t *p) {
  Header h;
  h.version = loadLE<uint32_t>(p + kVersionAt);
  h.flags = loadLE<uint32_t>(p + kFlagsAt);
  h.fileSize = loadLE<uint64_t>(p + kFileSizeAt);
  h.sectionCount = loadLE<uint32_t>(p + kSectionCountAt);
  h.sectionEntrySize = loadLE<uint32_t>(p + kSectionEntrySizeAt);
  h.sectionTableOffset = loadLE<uint64_t>(p + kSectionTableOffsetAt);
  h.reserved[0] = loadLE<uint64_t>(p + kReservedAt);
  h.reserved[1] = loadLE<uint64_t>(p + kReservedAt + 8);
  h.checksum = loadLE<uint64_t>(p + kHeaderChecksumAt);
  return h;
}

/// Encodes magic and header into the 64 bytes at `p`. The checksum is
/// written as given; see headerChecksum.
inline void encodeHeader(const Header &h, uint8_t *p) {
  std::memset(p, 0, kHeaderSize);
  std::memcpy(p, kMagic, sizeof(kMagic));
  storeLE(p + kVersionAt, h.version);
  storeLE(p + kFlagsAt, h.flags);
  storeLE(p + kFileSizeAt, h.fileSize);
  storeLE(p + kSectionCountAt, h.sectionCount);
  storeLE(p + kSectionEntrySizeAt, h.sectionEntrySize);
  storeLE(p + kSectionTableOffsetAt, h.sectionTableOffset);
  storeLE(p + kReservedAt, h.reserved[0]);
  storeLE(p + kReservedAt + 8, h.reserved[1]);
  storeLE(p + kHeaderChecksumAt, h.checksum);
}

/// Decodes the 64-byte section table entry at `p`.
inline Section decodeSection(const uint8_t *p) {
  Section s;
  s.kind = loadLE<uint32_t>(p + kKindAt);
  s.flags = loadLE<uint32_t>(p + kSectionFlagsAt);
  s.offset = loadLE<uint64_t>(p + kOffsetAt);
  s.size = loadLE<uint64_t>(p + kSizeAt);
  s.alignment = loadLE<uint64_t>(p + kAlignmentAt);
  s.checksum = loadLE<uint64_t>(p + kChecksumAt);
  const uint8_t *t = p + kTargetAt;
  size_t n = 0;
  while (n < kTargetSize && t[n] != 0)
    ++n;
  s.target.assign(reinterpret_cast<const char *>(t), n);
  for (size_t i = 0; i < kTargetSize; ++i)
    if (i < n ? (t[i] < 0x21 || t[i] > 0x7e) : t[i] != 0)
      s.targetValid = false;
  return s;
}

/// Encodes a section table entry into the 64 bytes at `p`; a target longer
/// than kTargetSize is cut (the writer rejects it before).
inline void encodeSection(const Section &s, uint8_t *p) {
  std::memset(p, 0, kSectionEntrySize);
  storeLE(p + kKindAt, s.kind);
  storeLE(p + kSectionFlagsAt, s.flags);
  storeLE(p + kOffsetAt, s.offset);
  storeLE(p + kSizeAt, s.size);
  storeLE(p + kAlignmentAt, s.alignment);
  storeLE(p + kChecksumAt, s.checksum);
  std::memcpy(p + kTargetAt, s.target.data(),
              s.target.size() < kTargetSize ? s.target.size() : kTargetSize);
}

/// Rounds `v` up to a multiple of `alignment` (a power of two).
inline constexpr uint64_t alignUp(uint64_t v, uint64_t alignment = kAlignment) {
  return (v + alignment - 1) & ~(alignment - 1);
}

//===----------------------------------------------------------------------===//
// The checksum (docs/package-format.md, "Checksum"): 64-bit, four
// independent multiply-rotate lanes over 32-byte stripes, so that a CPU
// hashes several gigabytes per second. Every step that consumes an input
// word is a bijection of that word and of the lane state, and every step
// after it is a bijection of the state, so any change confined to one
// 8-byte word (a single flipped byte in particular) changes the result.
//===----------------------------------------------------------------------===//

inline constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
inline constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
inline constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;
inline constexpr uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
inline constexpr uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

/// Incremental checksum: update() in pieces gives the same value as one
/// update() over their concatenation.
class Checksum {
public:
  void update(const void *data, size_t size) {
    const auto *p = static_cast<const uint8_t *>(data);
    total_ += size;
    if (buffered_ > 0) {
      size_t take = size < 32 - buffered_ ? size : 32 - buffered_;
      std::memcpy(buffer_ + buffered_, p, take);
      buffered_ += take;
      p += take;
      size -= take;
      if (buffered_ < 32)
        return;
      stripe(buffer_);
      buffered_ = 0;
    }
    // The hot loop: lanes in locals so that the compiler keeps them in
    // registers and interleaves the four multiply chains.
    uint64_t v0 = lanes_[0], v1 = lanes_[1], v2 = lanes_[2], v3 = lanes_[3];
    for (; size >= 32; p += 32, size -= 32) {
      v0 = round(v0, word(p));
      v1 = round(v1, word(p + 8));
      v2 = round(v2, word(p + 16));
      v3 = round(v3, word(p + 24));
    }
    lanes_[0] = v0, lanes_[1] = v1, lanes_[2] = v2, lanes_[3] = v3;
    std::memcpy(buffer_, p, size);
    buffered_ = size;
  }

  /// The checksum of everything passed to update() so far.
  uint64_t value() const {
    uint64_t h = kPrime5;
    for (uint64_t lane : lanes_)
      h = (h ^ lane) * kPrime1 + kPrime4;
    size_t at = 0;
    for (; at + 8 <= buffered_; at += 8)
      h = round(h, word(buffer_ + at));
    if (at < buffered_) {
      uint8_t last[8] = {};
      std::memcpy(last, buffer_ + at, buffered_ - at);
      h = round(h, word(last));
    }
    h ^= total_;
    h ^= h >> 33;
    h *= kPrime2;
    h ^= h >> 29;
    h *= kPrime3;
    h ^= h >> 32;
    return h;
  }

private:
  static uint64_t rotl(uint64_t v, int r) { return (v << r) | (v >> (64 - r)); }
  static uint64_t round(uint64_t acc, uint64_t w) {
    return rotl(acc + w * kPrime2, 31) * kPrime1;
  }
  static uint64_t word(const uint8_t *p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
#else
    return loadLE<uint64_t>(p);
#endif
  }
  void stripe(const uint8_t *p) {
    for (int i = 0; i < 4; ++i)
      lanes_[i] = round(lanes_[i], word(p + 8 * i));
  }

  uint64_t lanes_[4] = {kPrime1 + kPrime2, kPrime2, 0, 0 - kPrime1};
  uint8_t buffer_[32] = {};
  size_t buffered_ = 0;
  uint64_t total_ = 0;
};

/// The checksum of `size` bytes.
inline uint64_t checksum(const void *data, size_t size) {
  Checksum c;
  c.update(data, size);
  return c.value();
}

/// The header checksum of a file starting at `p`: over the header's first 56
/// bytes followed by the `sectionCount` table entries at
/// `sectionTableOffset` (which the caller has bounds-checked).
inline uint64_t headerChecksum(const uint8_t *p, const Header &h) {
  Checksum c;
  c.update(p, kHeaderChecksumAt);
  c.update(p + h.sectionTableOffset,
           uint64_t(h.sectionCount) * kSectionEntrySize);
  return c.value();
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
