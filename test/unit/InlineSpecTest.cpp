// test/unit/InlineSpecTest.cpp - command-line tensors "2x3xf32=1,2,...": values of every kind and each error.
#include "runtime/io/InlineSpec.h"

#include <gtest/gtest.h>

#include <cstring>

namespace {

using kiln::io::HostTensor;

HostTensor parse(const std::string &spec) {
  HostTensor t;
  std::string error;
  EXPECT_TRUE(kiln::io::parseInlineTensor(spec, t, error)) << spec << ": " << error;
  return t;
}

std::string parseError(const std::string &spec) {
  HostTensor t;
  std::string error;
  EXPECT_FALSE(kiln::io::parseInlineTensor(spec, t, error)) << spec;
  return error;
}

template <typename T> std::vector<T> values(const HostTensor &t) {
  std::vector<T> v(t.data.size() / sizeof(T));
  std::memcpy(v.data(), t.data.data(), t.data.size());
  return v;
}

TEST(InlineSpec, ParsesShapesAndValues) {
  HostTensor t = parse("2x3xf32=1,2,3,4,5,6");
  EXPECT_EQ(t.dtype, KILN_DTYPE_F32);
  EXPECT_EQ(t.dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values<float>(t), (std::vector<float>{1, 2, 3, 4, 5, 6}));

  t = parse("f32=1.5");
  EXPECT_TRUE(t.dims.empty());
  EXPECT_EQ(values<float>(t), std::vector<float>{1.5f});

  t = parse("3xf64= -1e300, inf ,0.25");
  EXPECT_EQ(values<double>(t), (std::vector<double>{-1e300, INFINITY, 0.25}));

  t = parse("0x3xf32=");
  EXPECT_EQ(t.dims, (std::vector<int64_t>{0, 3}));
  EXPECT_TRUE(t.data.empty());
}

TEST(InlineSpec, ParsesEveryDType) {
  EXPECT_EQ(values<int64_t>(parse("3xi64=-9223372036854775808,0,9223372036854775807")),
            (std::vector<int64_t>{INT64_MIN, 0, INT64_MAX}));
  EXPECT_EQ(values<int8_t>(parse("2xi8=-128,127")), (std::vector<int8_t>{-128, 127}));
  EXPECT_EQ(values<int16_t>(parse("1xi16=-300")), std::vector<int16_t>{-300});
  EXPECT_EQ(values<int32_t>(parse("1xi32=70000")), std::vector<int32_t>{70000});
  EXPECT_EQ(values<uint8_t>(parse("2xu8=0,255")), (std::vector<uint8_t>{0, 255}));
  EXPECT_EQ(values<uint16_t>(parse("1xu16=65535")), std::vector<uint16_t>{65535});
  EXPECT_EQ(values<uint32_t>(parse("1xu32=4294967295")),
            std::vector<uint32_t>{4294967295u});
  EXPECT_EQ(values<uint64_t>(parse("1xu64=18446744073709551615")),
            std::vector<uint64_t>{UINT64_MAX});
  EXPECT_EQ(parse("4xbool=true,false,1,0").data,
            (std::vector<uint8_t>{1, 0, 1, 0}));
  EXPECT_EQ(values<uint16_t>(parse("3xf16=1,-2,0.5")),
            (std::vector<uint16_t>{0x3c00, 0xc000, 0x3800}));
  EXPECT_EQ(values<uint16_t>(parse("2xbf16=1,-2")),
            (std::vector<uint16_t>{0x3f80, 0xc000}));
}

TEST(InlineSpec, ReportsErrors) {
  EXPECT_EQ(parseError("2x3xf32"),
            "2x3xf32: has no values (write 2x3xf32=v1,v2,... or @file.npy)");
  EXPECT_EQ(parseError("2x3xf32=1,2"),
            "2x3xf32=1,2: has 2 values, but shape 2x3 needs 6");
  EXPECT_EQ(parseError("f32="), "f32=: has 0 values, but shape scalar needs 1");
  EXPECT_EQ(parseError("2xf33=1,2"),
            "2xf33=1,2: expected DIMSxDTYPE=VALUES such as 2x3xf32=1,2,3,4,5,6 "
            "(unknown dtype 'f33')");
  EXPECT_EQ(parseError("x.npy"),
            "x.npy: is not an inline tensor; to read a file, write @x.npy");
  EXPECT_EQ(parseError("hello"),
            "hello: expected DIMSxDTYPE=VALUES such as 2x3xf32=1,2,3,4,5,6 "
            "(unknown dtype 'hello')");
  EXPECT_EQ(parseError("ax2xf32=1,2"), "ax2xf32=1,2: bad dim 'a'");
  EXPECT_EQ(parseError("-1xf32="), "-1xf32=: bad dim '-1'");
  EXPECT_EQ(parseError("2xu8=1,256"),
            "2xu8=1,256: value 1: '256' is not an u8 in [0, 255]");
  EXPECT_EQ(parseError("2xu8=1,-1"),
            "2xu8=1,-1: value 1: '-1' is not an u8 in [0, 255]");
  EXPECT_EQ(parseError("1xi8=-129"),
            "1xi8=-129: value 0: '-129' is not an i8 in [-128, 127]");
  EXPECT_EQ(parseError("2xf32=1,abc"),
            "2xf32=1,abc: value 1: 'abc' is not a number");
  EXPECT_EQ(parseError("2xf32=1,"), "2xf32=1,: value 1: '' is not a value");
  EXPECT_EQ(parseError("1xbool=yes"),
            "1xbool=yes: value 0: 'yes' is not a bool (true, false, 1, 0)");
  // Long specs are shortened in messages.
  EXPECT_EQ(parseError("3xf32=1111111111,2222222222,3333333333,4444444444"),
            "3xf32=1111111111,2222222222,333333333...: has 4 values, but "
            "shape 3 needs 3");
}

} // namespace
