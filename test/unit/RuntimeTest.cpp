// test/unit/RuntimeTest.cpp - the C API end to end: running test_kernels.c from a package, input checks, result handling.
#include "kiln/runtime.h"
#include "test/unit/TestPackages.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>

namespace {

struct Outcome {
  kiln_code code;
  std::string message;
};

Outcome take(kiln_status st) {
  Outcome o{kiln_status_code(st), kiln_status_message(st)};
  kiln_status_free(st);
  return o;
}

/// An f32 tensor; the caller frees it.
kiln_tensor *f32(std::vector<int64_t> dims, std::vector<float> values) {
  kiln_tensor *t = nullptr;
  kiln_status st = kiln_tensor_create_copy(KILN_DTYPE_F32, dims.size(), dims.data(),
                                           values.data(), values.size() * 4, &t);
  EXPECT_EQ(st, nullptr) << kiln_status_message(st);
  return t;
}

std::vector<float> floats(kiln_tensor *t) {
  const auto *p = static_cast<const float *>(kiln_tensor_data(t));
  return std::vector<float>(p, p + kiln_tensor_element_count(t));
}

std::vector<int64_t> dims(const kiln_tensor *t) {
  const int64_t *d = kiln_tensor_dims(t);
  return std::vector<int64_t>(d, d + kiln_tensor_rank(t));
}

/// Frees a list of tensors at scope exit.
struct Owned {
  std::vector<kiln_tensor *> items;
  ~Owned() {
    for (kiln_tensor *t : items)
      kiln_tensor_free(t);
  }
  kiln_tensor *operator[](size_t i) const { return items[i]; }
};

class RuntimeTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = new kiln::test::TempDir;
    std::string error;
    ASSERT_TRUE(kiln::test::writeTestPackage(dir->file("test.kpkg"), error)) << error;
  }
  static void TearDownTestSuite() { delete dir; }

  void SetUp() override {
    kiln_status st = kiln_package_load(dir->file("test.kpkg").c_str(), &pkg);
    ASSERT_EQ(st, nullptr) << kiln_status_message(st);
  }
  void TearDown() override { kiln_package_free(pkg); }

  const kiln_function *function(const char *name) {
    const kiln_function *fn = nullptr;
    kiln_status st = kiln_package_find_function(pkg, name, &fn);
    EXPECT_EQ(st, nullptr) << kiln_status_message(st);
    return fn;
  }

  /// Runs `name`; `outputs` receives the results (owned by it).
  Outcome run(const char *name, const std::vector<kiln_tensor *> &inputs,
              Owned &outputs) {
    const kiln_function *fn = function(name);
    outputs.items.assign(kiln_function_output_count(fn), nullptr);
    Outcome o = take(kiln_function_run(fn, nullptr, inputs.data(), inputs.size(),
                                       outputs.items.data(), outputs.items.size()));
    for (kiln_tensor *t : outputs.items)
      EXPECT_EQ(t == nullptr, o.code != KILN_OK); // all or nothing
    return o;
  }

  static kiln::test::TempDir *dir;
  kiln_package *pkg = nullptr;
};

kiln::test::TempDir *RuntimeTest::dir = nullptr;

TEST_F(RuntimeTest, RunsMainWithItsWeight) {
  Owned in{{f32({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})}}, out;
  Outcome o = run("main", in.items, out);
  ASSERT_EQ(o.code, KILN_OK) << o.message;
  EXPECT_EQ(kiln_tensor_dtype(out[0]), KILN_DTYPE_F32);
  EXPECT_EQ(dims(out[0]), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(floats(out[0]), (std::vector<float>{11, 22, 33, 44, 15, 26, 37, 48}));
  EXPECT_EQ(dims(out[1]), std::vector<int64_t>{2});
  EXPECT_EQ(floats(out[1]), (std::vector<float>{110, 126}));
  EXPECT_EQ(kiln_tensor_byte_size(out[0]), 32u);

  // The symbolic batch dim binds anew on every run, including to 0.
  Owned in0{{f32({0, 4}, {})}}, out0;
  o = run("main", in0.items, out0);
  ASSERT_EQ(o.code, KILN_OK) << o.message;
  EXPECT_EQ(dims(out0[0]), (std::vector<int64_t>{0, 4}));
  EXPECT_NE(kiln_tensor_data(out0[0]), nullptr);
}

TEST_F(RuntimeTest, DescribesSignatures) {
  EXPECT_STREQ(kiln_package_target(pkg), "cpu");
  ASSERT_EQ(kiln_package_function_count(pkg), 5u);
  EXPECT_STREQ(kiln_function_name(kiln_package_function_at(pkg, 1)), "add2");
  EXPECT_EQ(kiln_package_function_at(pkg, 5), nullptr);

  const kiln_function *main = function("main");
  ASSERT_EQ(kiln_function_input_count(main), 1u);
  ASSERT_EQ(kiln_function_output_count(main), 2u);
  const kiln_value_info *s = kiln_function_output(main, 1);
  EXPECT_STREQ(s->name, "s");
  EXPECT_EQ(s->dtype, KILN_DTYPE_F32);
  ASSERT_EQ(s->rank, 1u);
  EXPECT_EQ(s->dims[0], -1);
  EXPECT_STREQ(s->dim_names[0], "batch");
  const kiln_value_info *t = kiln_function_output(function("transpose"), 0);
  EXPECT_EQ(t->dims[0], 3);
  EXPECT_EQ(t->dim_names[1], nullptr);
  EXPECT_EQ(kiln_function_input(main, 1), nullptr);

  const kiln_function *fn = nullptr;
  Outcome o = take(kiln_package_find_function(pkg, "nope", &fn));
  EXPECT_EQ(o.code, KILN_NOT_FOUND);
  EXPECT_EQ(o.message, dir->file("test.kpkg") +
                           ": no function 'nope' (the package has 'main', "
                           "'add2', 'transpose', 'identity', 'bad_shape')");
  EXPECT_EQ(fn, nullptr);
}

TEST_F(RuntimeTest, ChecksInputsAgainstTheSignature) {
  Owned a{{f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3, 3}, std::vector<float>(9)),
           f32({2, 4}, std::vector<float>(8)), f32({2, 3, 1}, std::vector<float>(6))}};
  kiln_tensor *i64 = nullptr;
  int64_t d[2] = {2, 3};
  ASSERT_EQ(kiln_tensor_create_zeroed(KILN_DTYPE_I64, 2, d, &i64), nullptr);
  a.items.push_back(i64);
  Owned out;
  struct Case {
    std::vector<kiln_tensor *> inputs;
    std::string message;
  } cases[] = {
      {{a[0]}, "expects 2 inputs, got 1: missing input 'b'"},
      {{}, "expects 2 inputs, got 0: missing input 'a'"},
      {{a[0], a[0], a[0]}, "expects 2 inputs, got 3: unexpected extra input #3"},
      {{a[0], a[4]}, "input 'b' expects f32, got i64"},
      {{a[0], a[3]}, "input 'b' expects rank 2 (nx3), got rank 3 (2x3x1)"},
      {{a[0], a[2]}, "input 'b' dim 1 expects 3, got 4 (shape 2x4, expected nx3)"},
      {{a[0], a[1]}, "dim 'n' of input 'b' is 3 but was bound to 2 by input 'a'"},
      {{a[0], nullptr}, "input 'b' is NULL"},
  };
  for (const Case &c : cases) {
    Outcome o = run("add2", c.inputs, out);
    EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
    EXPECT_EQ(o.message, "function 'add2': " + c.message);
  }
  Outcome ok = run("add2", {a[0], a[0]}, out);
  ASSERT_EQ(ok.code, KILN_OK) << ok.message;
  EXPECT_EQ(floats(out[0]), (std::vector<float>{2, 4, 6, 8, 10, 12}));
}

TEST_F(RuntimeTest, ChecksTheOutputsArray) {
  Owned in{{f32({1, 4}, {1, 2, 3, 4})}};
  kiln_tensor *outs[1] = {reinterpret_cast<kiln_tensor *>(&in)};
  Outcome o = take(kiln_function_run(function("main"), nullptr, in.items.data(), 1, outs, 1));
  EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
  EXPECT_EQ(o.message, "function 'main' has 2 outputs, but the outputs array has room for 1");
  EXPECT_EQ(outs[0], nullptr); // cleared even on failure
  o = take(kiln_function_run(nullptr, nullptr, nullptr, 0, nullptr, 0));
  EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
}

TEST_F(RuntimeTest, CopiesStridedAndAliasedResults) {
  Owned in{{f32({2, 3}, {1, 2, 3, 4, 5, 6})}}, out;
  Outcome o = run("transpose", in.items, out);
  ASSERT_EQ(o.code, KILN_OK) << o.message;
  EXPECT_EQ(dims(out[0]), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(floats(out[0]), (std::vector<float>{1, 4, 2, 5, 3, 6}));

  // identity returns its input and its weight: both must be copied, so the
  // outputs outlive the input and the package.
  kiln_tensor *x = f32({3}, {7, 8, 9});
  Owned out2;
  o = run("identity", {x}, out2);
  ASSERT_EQ(o.code, KILN_OK) << o.message;
  EXPECT_NE(kiln_tensor_data(out2[0]), kiln_tensor_data(x));
  kiln_tensor_free(x);
  kiln_package_free(pkg);
  pkg = nullptr;
  EXPECT_EQ(floats(out2[0]), (std::vector<float>{7, 8, 9}));
  EXPECT_EQ(floats(out2[1]), (std::vector<float>{10, 20, 30, 40}));
}

TEST_F(RuntimeTest, RejectsResultsThatBreakTheManifest) {
  Owned in{{f32({2}, {1, 2})}}, out;
  Outcome o = run("bad_shape", in.items, out);
  EXPECT_EQ(o.code, KILN_INTERNAL);
  EXPECT_EQ(o.message, "function 'bad_shape' returned a bad result: output 'y' "
                       "dim 0 expects 2, got 3 (shape 3, expected 2)");
}

TEST_F(RuntimeTest, RunsConcurrentlyAndAcrossPackages) {
  // A second and third load of the same file get their own code; freeing
  // one does not disturb the others.
  kiln_package *second = nullptr, *third = nullptr;
  ASSERT_EQ(kiln_package_load(dir->file("test.kpkg").c_str(), &second), nullptr);
  kiln_package_free(pkg);
  ASSERT_EQ(kiln_package_load(dir->file("test.kpkg").c_str(), &third), nullptr);
  pkg = third;
  const kiln_function *fns[2] = {kiln_package_function_at(second, 0),
                                 kiln_package_function_at(third, 0)};
  kiln_tensor *x = f32({1, 4}, {1, 1, 1, 1});
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        kiln_tensor *outs[2] = {};
        kiln_status st = kiln_function_run(fns[t % 2], nullptr, &x, 1, outs, 2);
        if (st || static_cast<float *>(kiln_tensor_data(outs[1]))[0] != 104)
          ++failures;
        kiln_status_free(st);
        kiln_tensor_free(outs[0]);
        kiln_tensor_free(outs[1]);
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(failures, 0);
  kiln_tensor_free(x);
  kiln_package_free(second);
}

TEST(TensorApi, CreatesAndDescribesTensors) {
  int64_t d[2] = {2, 3};
  kiln_tensor *t = nullptr;
  ASSERT_EQ(kiln_tensor_create_zeroed(KILN_DTYPE_I16, 2, d, &t), nullptr);
  EXPECT_EQ(kiln_tensor_rank(t), 2u);
  EXPECT_EQ(kiln_tensor_element_count(t), 6u);
  EXPECT_EQ(kiln_tensor_byte_size(t), 12u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(kiln_tensor_data(t)) % 64, 0u);
  EXPECT_EQ(std::memcmp(kiln_tensor_data(t), std::string(12, '\0').data(), 12), 0);
  kiln_tensor_free(t);

  double scalar = 2.5;
  ASSERT_EQ(kiln_tensor_create_copy(KILN_DTYPE_F64, 0, nullptr, &scalar, 8, &t), nullptr);
  EXPECT_EQ(kiln_tensor_element_count(t), 1u);
  EXPECT_EQ(kiln_tensor_dims(t), nullptr);
  EXPECT_EQ(*static_cast<double *>(kiln_tensor_data(t)), 2.5);
  kiln_tensor_free(t);

  Outcome o = take(kiln_tensor_create_copy(KILN_DTYPE_F32, 2, d, &scalar, 8, &t));
  EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
  EXPECT_EQ(o.message, "data has 8 bytes, but a 2x3 f32 tensor needs 24");
  EXPECT_EQ(t, nullptr);
  int64_t negative[1] = {-2};
  o = take(kiln_tensor_create_zeroed(KILN_DTYPE_F32, 1, negative, &t));
  EXPECT_EQ(o.message, "dim 0 is negative (-2)");
  int64_t huge[2] = {INT64_MAX, INT64_MAX};
  o = take(kiln_tensor_create_zeroed(KILN_DTYPE_F32, 2, huge, &t));
  EXPECT_EQ(o.message, "tensor size overflows");
  o = take(kiln_tensor_create_zeroed(kiln_dtype(99), 1, d, &t));
  EXPECT_EQ(o.message, "invalid dtype value 99");

  // NULL is harmless everywhere.
  kiln_tensor_free(nullptr);
  EXPECT_EQ(kiln_tensor_rank(nullptr), 0u);
  EXPECT_EQ(kiln_tensor_data(nullptr), nullptr);
  EXPECT_STREQ(kiln_status_message(nullptr), "OK");
  EXPECT_EQ(kiln_status_code(nullptr), KILN_OK);
  kiln_status_free(nullptr);
  EXPECT_STREQ(kiln_dtype_name(KILN_DTYPE_BF16), "bf16");
  EXPECT_EQ(kiln_dtype_size(KILN_DTYPE_U64), 8u);
  EXPECT_STREQ(kiln_dtype_name(kiln_dtype(99)), "invalid");
}

TEST(ContextApi, RecordsTheThreadCount) {
  kiln_context *ctx = nullptr;
  ASSERT_EQ(kiln_context_create(3, &ctx), nullptr);
  EXPECT_EQ(kiln_context_num_threads(ctx), 3);
  kiln_context_free(ctx);
  ASSERT_EQ(kiln_context_create(0, &ctx), nullptr);
  EXPECT_GE(kiln_context_num_threads(ctx), 1);
  kiln_context_free(ctx);
  Outcome o = take(kiln_context_create(-1, &ctx));
  EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
  EXPECT_EQ(o.message, "num_threads is negative (-1)");
  EXPECT_EQ(kiln_context_num_threads(nullptr), 1);
}

} // namespace
