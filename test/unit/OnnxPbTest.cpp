// test/unit/OnnxPbTest.cpp - ONNX TensorProto reading (raw_data and every typed field) and writing.
#include "runtime/io/OnnxPb.h"

#include "runtime/io/HostTensor.h"
#include "test/unit/TestPackages.h"

#include <onnx/onnx_pb.h>

#include <gtest/gtest.h>

#include <cstring>

namespace {

using kiln::io::HostTensor;
using Proto = onnx::TensorProto;

Proto make(int type, std::vector<int64_t> dims) {
  Proto p;
  p.set_data_type(type);
  for (int64_t d : dims)
    p.add_dims(d);
  return p;
}

/// Parses `p` after a real serialization round trip.
bool parse(const Proto &p, HostTensor &t, std::string &error) {
  return kiln::io::parsePb(p.SerializeAsString(), "t.pb", t, error);
}

template <typename T> std::vector<T> values(const HostTensor &t) {
  std::vector<T> v(t.data.size() / sizeof(T));
  std::memcpy(v.data(), t.data.data(), t.data.size());
  return v;
}

TEST(OnnxPb, ReadsRawData) {
  Proto p = make(Proto::FLOAT, {2, 3});
  float data[6] = {1, 2, 3, 4, 5, 6};
  p.set_raw_data(data, sizeof data);
  HostTensor t;
  std::string error;
  ASSERT_TRUE(parse(p, t, error)) << error;
  EXPECT_EQ(t.dtype, KILN_DTYPE_F32);
  EXPECT_EQ(t.dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values<float>(t), std::vector<float>(data, data + 6));
}

TEST(OnnxPb, ReadsTypedFields) {
  HostTensor t;
  std::string error;

  Proto f = make(Proto::FLOAT, {2});
  f.add_float_data(1.5f), f.add_float_data(-2);
  ASSERT_TRUE(parse(f, t, error)) << error;
  EXPECT_EQ(values<float>(t), (std::vector<float>{1.5f, -2}));

  Proto d = make(Proto::DOUBLE, {});
  d.add_double_data(0.25);
  ASSERT_TRUE(parse(d, t, error)) << error;
  EXPECT_TRUE(t.dims.empty());
  EXPECT_EQ(values<double>(t), std::vector<double>{0.25});

  Proto i64 = make(Proto::INT64, {3});
  for (int64_t v : {int64_t(-1), int64_t(0), INT64_MAX})
    i64.add_int64_data(v);
  ASSERT_TRUE(parse(i64, t, error)) << error;
  EXPECT_EQ(values<int64_t>(t), (std::vector<int64_t>{-1, 0, INT64_MAX}));

  // Narrow types travel in int32_data.
  Proto i8 = make(Proto::INT8, {3});
  for (int v : {-128, 0, 127})
    i8.add_int32_data(v);
  ASSERT_TRUE(parse(i8, t, error)) << error;
  EXPECT_EQ(values<int8_t>(t), (std::vector<int8_t>{-128, 0, 127}));

  Proto u16 = make(Proto::UINT16, {2});
  u16.add_int32_data(65535), u16.add_int32_data(7);
  ASSERT_TRUE(parse(u16, t, error)) << error;
  EXPECT_EQ(values<uint16_t>(t), (std::vector<uint16_t>{65535, 7}));

  Proto b = make(Proto::BOOL, {2});
  b.add_int32_data(1), b.add_int32_data(0);
  ASSERT_TRUE(parse(b, t, error)) << error;
  EXPECT_EQ(t.dtype, KILN_DTYPE_BOOL);
  EXPECT_EQ(t.data, (std::vector<uint8_t>{1, 0}));

  Proto h = make(Proto::FLOAT16, {2}); // bit patterns of 1.0 and -2.0
  h.add_int32_data(0x3c00), h.add_int32_data(0xc000);
  ASSERT_TRUE(parse(h, t, error)) << error;
  EXPECT_EQ(values<uint16_t>(t), (std::vector<uint16_t>{0x3c00, 0xc000}));

  Proto u32 = make(Proto::UINT32, {1});
  u32.add_uint64_data(4000000000u);
  ASSERT_TRUE(parse(u32, t, error)) << error;
  EXPECT_EQ(values<uint32_t>(t), std::vector<uint32_t>{4000000000u});

  Proto u64 = make(Proto::UINT64, {1});
  u64.add_uint64_data(UINT64_MAX);
  ASSERT_TRUE(parse(u64, t, error)) << error;
  EXPECT_EQ(values<uint64_t>(t), std::vector<uint64_t>{UINT64_MAX});
}

TEST(OnnxPb, RejectsBadTensors) {
  HostTensor t;
  std::string error;

  Proto count = make(Proto::FLOAT, {2, 2});
  count.add_float_data(1);
  EXPECT_FALSE(parse(count, t, error));
  EXPECT_EQ(error, "t.pb: float_data holds 1 values, but shape 2x2 of f32 needs 4");

  Proto raw = make(Proto::INT32, {3});
  raw.set_raw_data(std::string(10, '\0'));
  EXPECT_FALSE(parse(raw, t, error));
  EXPECT_EQ(error, "t.pb: raw_data holds 10 bytes, but shape 3 of i32 needs 12");

  Proto str = make(Proto::STRING, {1});
  str.add_string_data("hi");
  EXPECT_FALSE(parse(str, t, error));
  EXPECT_EQ(error, "t.pb: unsupported ONNX data type STRING (8)");

  Proto external = make(Proto::FLOAT, {1});
  external.set_data_location(Proto::EXTERNAL);
  EXPECT_FALSE(parse(external, t, error));
  EXPECT_EQ(error, "t.pb: tensor uses external data, which is not supported");

  Proto negative = make(Proto::FLOAT, {-1});
  EXPECT_FALSE(parse(negative, t, error));
  EXPECT_EQ(error, "t.pb: negative dim -1");

  EXPECT_FALSE(kiln::io::parsePb("\xff\xff\xff garbage", "t.pb", t, error));
  EXPECT_EQ(error, "t.pb: not a valid ONNX TensorProto");

  EXPECT_FALSE(kiln::io::readPb("/nonexistent/t.pb", t, error));
  EXPECT_EQ(error, "/nonexistent/t.pb: cannot open: No such file or directory");
}

TEST(OnnxPb, WriteThenRead) {
  kiln::test::TempDir dir;
  HostTensor in;
  in.dtype = KILN_DTYPE_BF16;
  in.dims = {2, 1};
  in.data = {0x80, 0x3f, 0x00, 0xc0}; // bf16 1.0, -2.0
  std::string error;
  ASSERT_TRUE(kiln::io::writePb(dir.file("t.pb"), kiln::io::view(in), "logits", error))
      << error;
  EXPECT_EQ(dir.list(), std::vector<std::string>{"t.pb"});
  Proto p;
  ASSERT_TRUE(p.ParseFromString(kiln::test::readFile(dir.file("t.pb"))));
  EXPECT_EQ(p.name(), "logits");
  EXPECT_EQ(p.data_type(), Proto::BFLOAT16);
  HostTensor out;
  ASSERT_TRUE(kiln::io::readPb(dir.file("t.pb"), out, error)) << error;
  EXPECT_EQ(out.dtype, in.dtype);
  EXPECT_EQ(out.dims, in.dims);
  EXPECT_EQ(out.data, in.data);
}

} // namespace
