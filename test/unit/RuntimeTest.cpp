// test/unit/RuntimeTest.cpp - the C API end to end: running test_kernels.c from a package, input checks, result handling, the kiln_exec of entry ABI 2 (parallel_for, fail, status codes), caller-provided outputs.
#include "kiln/runtime.h"
#include "test/unit/TestPackages.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <malloc.h>
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

/// A tensor of `dtype` holding `values`; the caller frees it.
template <typename T>
kiln_tensor *tensor(kiln_dtype dtype, std::vector<int64_t> dims, std::vector<T> values) {
  kiln_tensor *t = nullptr;
  kiln_status st = kiln_tensor_create_copy(dtype, dims.size(), dims.data(), values.data(),
                                           values.size() * sizeof(T), &t);
  EXPECT_EQ(st, nullptr) << kiln_status_message(st);
  return t;
}

template <typename T> std::vector<T> values(kiln_tensor *t) {
  const auto *p = static_cast<const T *>(kiln_tensor_data(t));
  return std::vector<T>(p, p + kiln_tensor_element_count(t));
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
              Owned &outputs, const kiln_context *ctx = nullptr) {
    const kiln_function *fn = function(name);
    outputs.items.assign(kiln_function_output_count(fn), nullptr);
    Outcome o = take(kiln_function_run(fn, ctx, inputs.data(), inputs.size(),
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
  ASSERT_EQ(kiln_package_function_count(pkg), 10u);
  EXPECT_STREQ(kiln_function_name(kiln_package_function_at(pkg, 1)), "add2");
  EXPECT_EQ(kiln_package_function_at(pkg, 10), nullptr);

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
                           "'add2', 'transpose', 'identity', 'bad_shape', 'par_fill', "
                           "'rendezvous', 'bad_size', 'ret_code', 'fail_null')");
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
  EXPECT_EQ(ctx, nullptr);
  o = take(kiln_context_create(1025, &ctx));
  EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
  EXPECT_EQ(o.message, "num_threads is 1025, more than 1024");
  EXPECT_EQ(kiln_context_num_threads(nullptr), 1);
}

//===----------------------------------------------------------------------===//
// Entry ABI 2: what generated code gets through kiln_exec.
//===----------------------------------------------------------------------===//

/// A context of `n` threads, freed at scope exit.
struct Context {
  kiln_context *ctx = nullptr;
  explicit Context(int32_t n) {
    kiln_status st = kiln_context_create(n, &ctx);
    EXPECT_EQ(st, nullptr) << kiln_status_message(st);
  }
  ~Context() { kiln_context_free(ctx); }
};

TEST_F(RuntimeTest, ParallelForCoversTheRangeExactlyOnce) {
  Context one(1), four(4);
  struct Case {
    const kiln_context *ctx;
    int64_t threads, n, grain;
  } cases[] = {
      {nullptr, 1, 1000, 1}, {one.ctx, 1, 10007, 7}, {four.ctx, 4, 10007, 7},
      {four.ctx, 4, 100000, 5000}, {four.ctx, 4, 5, 7}, {four.ctx, 4, 0, 1},
      {four.ctx, 4, 17, 0}, // grain 0 counts as 1
  };
  for (const Case &c : cases) {
    SCOPED_TRACE("threads " + std::to_string(c.threads) + ", n " + std::to_string(c.n) +
                 ", grain " + std::to_string(c.grain));
    Owned in{{f32({c.n}, std::vector<float>(size_t(c.n))),
              tensor<int64_t>(KILN_DTYPE_I64, {}, {c.grain})}},
        out;
    Outcome o = run("par_fill", in.items, out, c.ctx);
    ASSERT_EQ(o.code, KILN_OK) << o.message;
    EXPECT_EQ(values<int32_t>(out[0]), std::vector<int32_t>(size_t(c.n), 1));
    std::vector<int64_t> info = values<int64_t>(out[1]);
    EXPECT_EQ(info[0], c.threads);            // num_threads
    EXPECT_EQ(info[1], 2);                    // abi_version
    EXPECT_EQ(info[2], 0);                    // violations of the chunk contract
    const int64_t grain = std::max<int64_t>(c.grain, 1);
    EXPECT_LE(info[3], (c.n + grain - 1) / grain); // chunks of >= grain
    if (c.threads == 1 || c.n <= grain)
      EXPECT_EQ(info[3], c.n > 0 ? 1 : 0);    // inline: one call
    else
      EXPECT_GT(info[3], 1);                  // split for the workers
  }
}

TEST_F(RuntimeTest, ParallelForRunsOnRealThreads) {
  // Every chunk waits until all num_threads chunks have started: this
  // finishes only if they run at the same time.
  Context four(4);
  Owned in{{f32({}, {0})}}, out;
  Outcome o = run("rendezvous", in.items, out, four.ctx);
  ASSERT_EQ(o.code, KILN_OK) << o.message;
  EXPECT_EQ(values<int32_t>(out[0]), std::vector<int32_t>{1});
}

TEST_F(RuntimeTest, ConcurrentRunsShareOneContext) {
  Context four(4);
  const kiln_function *fn = function("par_fill");
  Owned in{{f32({3001}, std::vector<float>(3001)),
            tensor<int64_t>(KILN_DTYPE_I64, {}, {3})}};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        kiln_tensor *outs[2] = {};
        kiln_status st = kiln_function_run(fn, four.ctx, in.items.data(), 2, outs, 2);
        if (st || values<int32_t>(outs[0]) != std::vector<int32_t>(3001, 1) ||
            values<int64_t>(outs[1])[2] != 0)
          ++failures;
        kiln_status_free(st);
        kiln_tensor_free(outs[0]);
        kiln_tensor_free(outs[1]);
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(failures, 0);
}

/// Bytes malloc has handed out and not got back.
size_t liveHeapBytes() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

TEST_F(RuntimeTest, FailedChecksBecomeErrorsAndFreeTheResults) {
  Context four(4);
  // a: 256K floats, so that the code's 1 MiB result would show if leaked.
  const int64_t n = 256 * 1024;
  Owned in{{f32({n}, std::vector<float>(size_t(n), 1)), f32({1}, {2}),
            f32({n}, std::vector<float>(size_t(n), 2))}};
  for (const kiln_context *ctx : {static_cast<const kiln_context *>(nullptr),
                                  static_cast<const kiln_context *>(four.ctx)}) {
    Owned out;
    Outcome o = run("bad_size", {in[0], in[1]}, out, ctx);
    EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
    // The first message only: later ones, from concurrent chunks, are not.
    EXPECT_EQ(o.message, "function 'bad_size': node 'Add_0': the sizes of a and b differ");
    EXPECT_EQ(out[0], nullptr);

    Owned ok;
    o = run("bad_size", {in[0], in[2]}, ok, ctx);
    ASSERT_EQ(o.code, KILN_OK) << o.message;
    EXPECT_EQ(values<float>(ok[0]), std::vector<float>(size_t(n), 3));
  }
  // A failure reported without a message still fails the run.
  Owned scalar{{f32({}, {0})}}, none;
  Outcome o = run("fail_null", scalar.items, none);
  EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
  EXPECT_EQ(o.message, "function 'fail_null': a run-time check failed");
#if !defined(__SANITIZE_ADDRESS__)
  // 64 failed runs would leak 64 MiB if the results were not freed.
  const kiln_function *fn = function("bad_size");
  kiln_tensor *args[2] = {in[0], in[1]};
  const size_t before = liveHeapBytes();
  for (int i = 0; i < 64; ++i) {
    kiln_tensor *outs[1] = {};
    kiln_status st = kiln_function_run(fn, four.ctx, args, 2, outs, 1);
    EXPECT_NE(st, nullptr);
    kiln_status_free(st);
    EXPECT_EQ(outs[0], nullptr);
  }
  const size_t after = liveHeapBytes();
  EXPECT_LT(after, before + (size_t(8) << 20))
      << "live heap grew from " << before << " to " << after << " bytes";
#endif
}

TEST_F(RuntimeTest, NonZeroStatusesBecomeErrors) {
  struct Case {
    int32_t rc;
    kiln_code code;
    std::string message;
  } cases[] = {
      {6, KILN_INTERNAL, "the code returned status 6"},
      {3, KILN_DATA_LOSS, "the code returned status 3"},
      {1, KILN_INVALID_ARGUMENT, "the code returned status 1"},
      {42, KILN_INTERNAL, "the code returned status 42, which is not a kiln_code"},
      {-1, KILN_INTERNAL, "the code returned status -1, which is not a kiln_code"},
  };
  for (const Case &c : cases) {
    Owned in{{tensor<int32_t>(KILN_DTYPE_I32, {}, {c.rc})}}, out;
    Outcome o = run("ret_code", in.items, out);
    EXPECT_EQ(o.code, c.code);
    EXPECT_EQ(o.message, "function 'ret_code': " + c.message);
  }
  Owned in{{tensor<int32_t>(KILN_DTYPE_I32, {}, {0})}}, out;
  Outcome o = run("ret_code", in.items, out);
  ASSERT_EQ(o.code, KILN_OK) << o.message;
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{0, 1, 2, 3}));
}

//===----------------------------------------------------------------------===//
// kiln_function_run_into: outputs in the caller's tensors.
//===----------------------------------------------------------------------===//

TEST_F(RuntimeTest, RunsIntoCallerTensors) {
  Owned in{{f32({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})}};
  Owned out{{f32({2, 4}, std::vector<float>(8)), f32({2}, {0, 0})}};
  void *y = kiln_tensor_data(out[0]);
  const kiln_function *main = function("main");
  for (int i = 0; i < 2; ++i) { // reused across runs
    Outcome o = take(kiln_function_run_into(main, nullptr, in.items.data(), 1,
                                            out.items.data(), 2));
    ASSERT_EQ(o.code, KILN_OK) << o.message;
  }
  EXPECT_EQ(kiln_tensor_data(out[0]), y); // filled in place
  EXPECT_EQ(floats(out[0]), (std::vector<float>{11, 22, 33, 44, 15, 26, 37, 48}));
  EXPECT_EQ(floats(out[1]), (std::vector<float>{110, 126}));

  // A strided result is made contiguous in the caller's tensor.
  Owned tin{{f32({2, 3}, {1, 2, 3, 4, 5, 6})}}, tout{{f32({3, 2}, std::vector<float>(6))}};
  Outcome o = take(kiln_function_run_into(function("transpose"), nullptr, tin.items.data(),
                                          1, tout.items.data(), 1));
  ASSERT_EQ(o.code, KILN_OK) << o.message;
  EXPECT_EQ(floats(tout[0]), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

TEST_F(RuntimeTest, RunIntoChecksTheCallerTensors) {
  Owned in{{f32({2, 4}, std::vector<float>(8))}};
  kiln_tensor *i32 = nullptr;
  int64_t d[2] = {2, 4};
  ASSERT_EQ(kiln_tensor_create_zeroed(KILN_DTYPE_I32, 2, d, &i32), nullptr);
  Owned t{{f32({2, 4}, std::vector<float>(8)), f32({2}, {7, 7}), f32({3, 4}, std::vector<float>(12)),
           f32({2, 5}, std::vector<float>(10)), i32, f32({2, 4, 1}, std::vector<float>(8))}};
  const kiln_function *main = function("main");
  struct Case {
    std::vector<kiln_tensor *> outputs;
    std::string message;
  } cases[] = {
      {{t[0]}, "function 'main' has 2 outputs, but 1 output tensor was passed"},
      {{t[0], nullptr}, "function 'main': output 's' is NULL"},
      {{t[0], t[0]}, "function 'main': output 's' is the same tensor as output 'y'"},
      {{t[4], t[1]}, "function 'main': output 'y' expects f32, got i32"},
      {{t[5], t[1]}, "function 'main': output 'y' expects rank 2 (batchx4), got rank 3 (2x4x1)"},
      {{t[3], t[1]}, "function 'main': output 'y' dim 1 expects 4, got 5 (shape 2x5, "
                     "expected batchx4)"},
      {{t[2], t[1]}, "function 'main': dim 'batch' of output 'y' is 3 but was bound to 2 "
                     "by input 'x'"},
  };
  for (const Case &c : cases) {
    Outcome o = take(kiln_function_run_into(main, nullptr, in.items.data(), 1,
                                            c.outputs.data(), c.outputs.size()));
    EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
    EXPECT_EQ(o.message, c.message);
  }
  EXPECT_EQ(floats(t[1]), (std::vector<float>{7, 7})); // never written

  // identity's "?" dims bind only when the code has run: a wrong size is
  // found after the run, and then no tensor is written either.
  Owned x{{f32({3}, {1, 2, 3})}}, wrong{{f32({5}, std::vector<float>(5, -1)),
                                         f32({4}, std::vector<float>(4, -1))}};
  Outcome o = take(kiln_function_run_into(function("identity"), nullptr, x.items.data(), 1,
                                          wrong.items.data(), 2));
  EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
  EXPECT_EQ(o.message, "function 'identity': output 'y': the tensor passed is 5, but the "
                       "function produced 3");
  EXPECT_EQ(floats(wrong[1]), std::vector<float>(4, -1));

  // A failed run-time check leaves the caller's tensor as it was, too.
  Owned a{{f32({4}, {1, 2, 3, 4}), f32({2}, {1, 1})}}, c{{f32({4}, std::vector<float>(4, -1))}};
  o = take(kiln_function_run_into(function("bad_size"), nullptr, a.items.data(), 2,
                                  c.items.data(), 1));
  EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
  EXPECT_EQ(o.message, "function 'bad_size': node 'Add_0': the sizes of a and b differ");
  EXPECT_EQ(floats(c[0]), std::vector<float>(4, -1));
  o = take(kiln_function_run_into(nullptr, nullptr, nullptr, 0, nullptr, 0));
  EXPECT_EQ(o.message, "function is NULL");
  o = take(kiln_function_run_into(main, nullptr, in.items.data(), 1, nullptr, 2));
  EXPECT_EQ(o.code, KILN_INVALID_ARGUMENT);
  EXPECT_EQ(o.message, "outputs is NULL");
}

} // namespace
