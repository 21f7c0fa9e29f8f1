// test/unit/NpyTest.cpp - .npy round trips for every dtype, headers of versions 1-3, and rejected files.
#include "runtime/io/Npy.h"

#include "runtime/PackageFormat.h"
#include "test/unit/TestPackages.h"

#include <gtest/gtest.h>

#include <cstring>

namespace {

using kiln::io::HostTensor;

/// A tensor of `dims` whose bytes count up, so every byte position differs.
HostTensor sample(kiln_dtype dtype, std::vector<int64_t> dims) {
  HostTensor t;
  t.dtype = dtype;
  t.dims = std::move(dims);
  t.data.resize(kiln::io::elementCount(t.dims) * kiln::format::dtypeSize(dtype));
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = dtype == KILN_DTYPE_BOOL ? i % 2 : uint8_t(i * 7 + 1);
  return t;
}

/// A .npy file with the given format version and header text.
std::string npyBytes(int major, const std::string &header,
                     const std::string &data) {
  std::string bytes("\x93NUMPY", 6);
  bytes += char(major);
  bytes += char(0);
  uint8_t len[4];
  kiln::format::storeLE<uint32_t>(len, uint32_t(header.size()));
  bytes.append(reinterpret_cast<char *>(len), major == 1 ? 2 : 4);
  return bytes + header + data;
}

std::string floats(std::initializer_list<float> values) {
  std::string s;
  for (float v : values)
    s.append(reinterpret_cast<const char *>(&v), sizeof v);
  return s;
}

/// parseNpy's error for `bytes` ("" when it parses).
std::string npyError(const std::string &bytes) {
  HostTensor t;
  std::string error;
  return kiln::io::parseNpy(bytes, "t.npy", t, error) ? "" : error;
}

class NpyRoundTrip : public ::testing::TestWithParam<kiln_dtype> {};

TEST_P(NpyRoundTrip, EncodeThenParse) {
  for (std::vector<int64_t> dims :
       {std::vector<int64_t>{2, 3}, {5}, {}, {0, 3}, {2, 1, 2}}) {
    HostTensor in = sample(GetParam(), dims);
    std::string bytes, error;
    ASSERT_TRUE(kiln::io::encodeNpy(kiln::io::view(in), bytes, error)) << error;
    // NumPy aligns the data to 64 bytes; so do we.
    size_t headerLen = kiln::format::loadLE<uint16_t>(
        reinterpret_cast<const uint8_t *>(bytes.data()) + 8);
    EXPECT_EQ((10 + headerLen) % 64, 0u);
    HostTensor out;
    ASSERT_TRUE(kiln::io::parseNpy(bytes, "t.npy", out, error)) << error;
    EXPECT_EQ(out.dtype, in.dtype);
    EXPECT_EQ(out.dims, in.dims);
    EXPECT_EQ(out.data, in.data);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllDTypes, NpyRoundTrip,
    ::testing::Values(KILN_DTYPE_F32, KILN_DTYPE_F64, KILN_DTYPE_F16,
                      KILN_DTYPE_I8, KILN_DTYPE_I16, KILN_DTYPE_I32,
                      KILN_DTYPE_I64, KILN_DTYPE_U8, KILN_DTYPE_U16,
                      KILN_DTYPE_U32, KILN_DTYPE_U64, KILN_DTYPE_BOOL),
    [](const auto &info) { return std::string(kiln::format::dtypeName(info.param)); });

TEST(Npy, WritesAndReadsFiles) {
  kiln::test::TempDir dir;
  HostTensor in = sample(KILN_DTYPE_I64, {3, 2});
  std::string error;
  ASSERT_TRUE(kiln::io::writeNpy(dir.file("a.npy"), kiln::io::view(in), error))
      << error;
  EXPECT_EQ(dir.list(), std::vector<std::string>{"a.npy"}); // no temp left
  HostTensor out;
  ASSERT_TRUE(kiln::io::readNpy(dir.file("a.npy"), out, error)) << error;
  EXPECT_EQ(out.dims, in.dims);
  EXPECT_EQ(out.data, in.data);
  // The header is exactly NumPy's.
  std::string bytes = kiln::test::readFile(dir.file("a.npy"));
  EXPECT_NE(bytes.find("{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }"),
            std::string::npos);
}

TEST(Npy, ReadsHeadersAsNumPyWritesThem) {
  const std::string data = floats({1, 2, 3, 4, 5, 6});
  for (int major : {1, 2, 3}) {
    HostTensor t;
    std::string error;
    std::string header =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }     \n";
    ASSERT_TRUE(kiln::io::parseNpy(npyBytes(major, header, data), "t.npy", t,
                                   error))
        << "version " << major << ": " << error;
    EXPECT_EQ(t.dims, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(std::string(t.data.begin(), t.data.end()), data);
  }
  // Byte-order-free and native descrs, 1-D shapes, double quotes, 'L' suffix.
  HostTensor t;
  std::string error;
  EXPECT_TRUE(kiln::io::parseNpy(
      npyBytes(1, "{\"descr\": \"|u1\", \"shape\": (3L,), \"fortran_order\": False}\n",
               "abc"),
      "t.npy", t, error))
      << error;
  EXPECT_EQ(t.dtype, KILN_DTYPE_U8);
  EXPECT_TRUE(kiln::io::parseNpy(
      npyBytes(1, "{'descr': '=f4', 'fortran_order': False, 'shape': (), }\n",
               floats({7})),
      "t.npy", t, error))
      << error;
  EXPECT_TRUE(t.dims.empty());
}

TEST(Npy, RejectsBadFiles) {
  const std::string f6 = floats({1, 2, 3, 4, 5, 6});
  auto header = [](const std::string &descr, const std::string &order,
                   const std::string &shape) {
    return "{'descr': " + descr + ", 'fortran_order': " + order +
           ", 'shape': " + shape + ", }\n";
  };
  EXPECT_EQ(npyError("hello world"), "t.npy: not a .npy file (bad magic)");
  EXPECT_EQ(npyError(npyBytes(4, header("'<f4'", "False", "(6,)"), f6)),
            "t.npy: unsupported .npy format version 4 (this reader supports "
            "versions 1 to 3)");
  EXPECT_EQ(npyError(npyBytes(1, header("'<f4'", "False", "(6,)"), f6).substr(0, 30)),
            "t.npy: truncated header (58 bytes announced, 20 present)");
  EXPECT_EQ(npyError(npyBytes(1, header("'<f4'", "False", "(2, 3)"), f6.substr(0, 20))),
            "t.npy: truncated data (20 data bytes, shape 2x3 of <f4 needs 24)");
  EXPECT_EQ(npyError(npyBytes(1, header("'<f4'", "False", "(5,)"), f6)),
            "t.npy: size mismatch (24 data bytes, shape 5 of <f4 needs 20)");
  EXPECT_EQ(npyError(npyBytes(1, header("'<f4'", "True", "(2, 3)"), f6)),
            "t.npy: fortran_order arrays are not supported; save a C-order "
            "array (numpy.ascontiguousarray)");
  EXPECT_EQ(npyError(npyBytes(1, header("'>f4'", "False", "(6,)"), f6)),
            "t.npy: big-endian data ('>f4') is not supported; save it "
            "little-endian (e.g. array.astype('<f4'))");
  EXPECT_EQ(npyError(npyBytes(1, header("'<c8'", "False", "(3,)"), f6)),
            "t.npy: unsupported dtype '<c8' (supported: f2 f4 f8 i1 i2 i4 i8 "
            "u1 u2 u4 u8 b1)");
  EXPECT_EQ(npyError(npyBytes(1, header("[('a', '<f4')]", "False", "(6,)"), f6)),
            "t.npy: bad header: structured dtypes are not supported");
  EXPECT_EQ(npyError(npyBytes(1, "{'descr': '<f4', 'shape': (6,)}\n", f6)),
            "t.npy: bad header: missing descr, fortran_order or shape");
  EXPECT_EQ(npyError(npyBytes(1, header("'<f4'", "False", "(-6,)"), f6)),
            "t.npy: bad header: shape is not a tuple of non-negative integers");
  EXPECT_EQ(npyError(npyBytes(1, "not a dict\n", f6)),
            "t.npy: bad header: expected '{'");

  HostTensor t;
  std::string error;
  EXPECT_FALSE(kiln::io::readNpy("/nonexistent/x.npy", t, error));
  EXPECT_EQ(error, "/nonexistent/x.npy: cannot open: No such file or directory");
}

TEST(Npy, RefusesToWriteBFloat16) {
  kiln::test::TempDir dir;
  HostTensor t = sample(KILN_DTYPE_BF16, {2});
  std::string error;
  EXPECT_FALSE(kiln::io::writeNpy(dir.file("b.npy"), kiln::io::view(t), error));
  EXPECT_EQ(error, dir.file("b.npy") +
                       ": NumPy has no bf16 dtype; write a .pb file instead");
  EXPECT_TRUE(dir.list().empty());
}

} // namespace
