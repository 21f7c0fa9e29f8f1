// test/unit/TensorPrintTest.cpp - NumPy-like printing and the half-precision conversions it relies on.
#include "runtime/io/TensorPrint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace {

using kiln::io::HostTensor;

template <typename T>
HostTensor tensor(kiln_dtype dtype, std::vector<int64_t> dims,
                  std::vector<T> values) {
  HostTensor t;
  t.dtype = dtype;
  t.dims = std::move(dims);
  t.data.resize(values.size() * sizeof(T));
  std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

std::string print(const HostTensor &t, bool *summarized = nullptr) {
  bool s = false;
  std::string text = kiln::io::formatTensor(kiln::io::view(t), {}, s);
  if (summarized)
    *summarized = s;
  return text;
}

TEST(TensorPrint, NestsAlignsAndMarksFloats) {
  EXPECT_EQ(print(tensor<float>(KILN_DTYPE_F32, {2, 3}, {1, 2.5f, 3, 4, 5, -6})),
            "[[ 1., 2.5,  3.],\n [ 4.,  5., -6.]]");
  EXPECT_EQ(print(tensor<int64_t>(KILN_DTYPE_I64, {3}, {1, 10, -100})),
            "[   1,   10, -100]");
  EXPECT_EQ(print(tensor<float>(KILN_DTYPE_F32, {}, {0.1f})), "0.1");
  EXPECT_EQ(print(tensor<uint8_t>(KILN_DTYPE_BOOL, {2}, {1, 0})), "[ True, False]");
  EXPECT_EQ(print(tensor<int32_t>(KILN_DTYPE_I32, {2, 1, 2}, {1, 2, 3, 4})),
            "[[[1, 2]],\n\n [[3, 4]]]");
  EXPECT_EQ(print(tensor<float>(KILN_DTYPE_F32, {0, 3}, {})), "[]");
  // f16 prints the shortest decimal of its own precision, not of float's.
  EXPECT_EQ(print(tensor<uint16_t>(KILN_DTYPE_F16, {2},
                                   {kiln::io::floatToHalf(0.1f), 0x3c00})),
            "[0.1,  1.]");
}

TEST(TensorPrint, SummarizesLargeTensors) {
  std::vector<int32_t> v(2000);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = int32_t(i);
  bool summarized = false;
  std::string text = print(tensor(KILN_DTYPE_I32, {2000}, v), &summarized);
  EXPECT_TRUE(summarized);
  EXPECT_EQ(text, "[   0,    1,    2, ..., 1997, 1998, 1999]");
  text = print(tensor(KILN_DTYPE_I32, {40, 50}, v), &summarized);
  EXPECT_TRUE(summarized);
  EXPECT_EQ(text.substr(0, 24), "[[   0,    1,    2, ...,");
  EXPECT_NE(text.find(" ...,\n"), std::string::npos);
  EXPECT_FALSE((print(tensor(KILN_DTYPE_I32, {10}, std::vector<int32_t>(10)),
                      &summarized),
                summarized));
}

TEST(TensorPrint, WrapsLongRows) {
  std::vector<float> v(40, 1.25f);
  std::string text = print(tensor(KILN_DTYPE_F32, {40}, v));
  for (size_t start = 0, end; start < text.size(); start = end + 1) {
    end = std::min(text.find('\n', start), text.size());
    EXPECT_LE(end - start, 75u);
  }
  EXPECT_NE(text.find('\n'), std::string::npos);
}

TEST(HalfConversion, RoundTripsEveryPattern) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    // NaNs only need to stay NaN; every other pattern must come back.
    uint16_t h = uint16_t(bits);
    if ((h & 0x7c00) != 0x7c00 || !(h & 0x3ff))
      ASSERT_EQ(kiln::io::floatToHalf(kiln::io::halfToFloat(h)), h) << bits;
    if ((h & 0x7f80) != 0x7f80 || !(h & 0x7f))
      ASSERT_EQ(kiln::io::floatToBf16(kiln::io::bf16ToFloat(h)), h) << bits;
  }
}

TEST(HalfConversion, RoundsToNearestEven) {
  using kiln::io::floatToHalf;
  EXPECT_EQ(floatToHalf(65504.f), 0x7bff);          // largest half
  EXPECT_EQ(floatToHalf(65519.f), 0x7bff);          // just below the midpoint
  EXPECT_EQ(floatToHalf(65520.f), 0x7c00);          // ties to even: inf
  EXPECT_EQ(floatToHalf(5.9604645e-8f), 0x0001);    // smallest subnormal
  EXPECT_EQ(floatToHalf(2.9802322e-8f), 0x0000);    // half of it: ties to even
  EXPECT_EQ(floatToHalf(1.0f + 1.0f / 2048), 0x3c00); // tie: stays even
  EXPECT_EQ(floatToHalf(1.0f + 3.0f / 2048), 0x3c02); // tie: rounds up to even
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_TRUE(std::isnan(kiln::io::halfToFloat(floatToHalf(NAN))));
  EXPECT_EQ(kiln::io::floatToBf16(1.00390625f), 0x3f80); // tie: stays even
  EXPECT_EQ(kiln::io::floatToBf16(1.01171875f), 0x3f82); // tie: rounds up
}

} // namespace
