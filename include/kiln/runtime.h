/* include/kiln/runtime.h - C API of the kiln runtime: load a .kpkg package and run its functions. */
/*
 * Overview
 * ========
 *
 * `kiln-compile` turns a model into one package file (.kpkg, see
 * docs/package-format.md). This library loads such a package and runs the
 * functions in it. It is C++ inside and plain C11 outside; it links only
 * libc, libstdc++, libm, libdl and libpthread (no MLIR, LLVM or protobuf).
 * The interface between the runtime and the package's generated code is
 * include/kiln/abi.h.
 *
 * Objects, all opaque:
 *   kiln_package   a loaded package: its signature, weights (mapped from the
 *                  file or borrowed from memory, never read at load) and
 *                  machine code.
 *   kiln_function  one entry point of a package; borrowed from the package.
 *   kiln_tensor    a dense row-major host tensor that owns its buffer.
 *   kiln_context   run settings: the thread count, and the worker threads
 *                  that generated code reaches through parallel_for.
 *   kiln_status    the result of a fallible call: NULL means success;
 *                  otherwise an object holding a code and a message, which the
 *                  caller must release with kiln_status_free.
 *
 * Ownership: every `kiln_status` returned and every object returned through
 * an `out_*` parameter of a *_create / *_load / *_run call belongs to the
 * caller, who releases it with the matching *_free. Everything returned by a
 * getter (names, dims, value infos, functions) is borrowed from its owner
 * and stays valid until that owner is freed. On failure, `out_*` parameters
 * are set to NULL. No function throws or aborts on bad input; passing NULL
 * where an object is required yields KILN_INVALID_ARGUMENT (or 0/NULL from
 * getters).
 *
 * Threads: a loaded package is read-only, so one kiln_function may be run
 * from several threads at once, with the same kiln_context or different
 * ones. Tensors are not synchronized.
 *
 * Worked example (error handling shortened with a macro; this program is
 * built and run by the unit tests as test/unit/c_api_example.c):
 *
 *   #include "kiln/runtime.h"
 *   #include <stdio.h>
 *
 *   #define CHECK(expr) do { kiln_status st_ = (expr); if (st_) {          \
 *       fprintf(stderr, "error: %s\n", kiln_status_message(st_));          \
 *       kiln_status_free(st_); return 1; } } while (0)
 *
 *   int main(int argc, char **argv) {
 *     kiln_package *pkg = NULL;
 *     CHECK(kiln_package_load(argc > 1 ? argv[1] : "model.kpkg", &pkg));
 *     const kiln_function *fn = NULL;
 *     CHECK(kiln_package_find_function(pkg, "main", &fn));
 *
 *     // Inspect the signature: "x: f32 [batch, 4]".
 *     const kiln_value_info *x = kiln_function_input(fn, 0);
 *     printf("%s: %s [", x->name, kiln_dtype_name(x->dtype));
 *     for (size_t i = 0; i < x->rank; ++i) {
 *       if (x->dims[i] < 0)
 *         printf("%s%s", i ? ", " : "", x->dim_names[i]);
 *       else
 *         printf("%s%lld", i ? ", " : "", (long long)x->dims[i]);
 *     }
 *     printf("]\n");
 *
 *     // One input tensor of shape 2x4, copied from a C array.
 *     float data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
 *     int64_t dims[2] = {2, 4};
 *     kiln_tensor *input = NULL;
 *     CHECK(kiln_tensor_create_copy(KILN_DTYPE_F32, 2, dims, data,
 *                                   sizeof data, &input));
 *
 *     // Run; the outputs array receives new tensors that we must free.
 *     size_t n_out = kiln_function_output_count(fn);
 *     kiln_tensor *outputs[8] = {NULL};
 *     if (n_out > 8)
 *       return 1;
 *     CHECK(kiln_function_run(fn, NULL, &input, 1, outputs, n_out));
 *     const float *y = (const float *)kiln_tensor_data(outputs[0]);
 *     printf("y[0] = %g of %zu elements\n", y[0],
 *            kiln_tensor_element_count(outputs[0]));
 *
 *     for (size_t i = 0; i < n_out; ++i)
 *       kiln_tensor_free(outputs[i]);
 *     kiln_tensor_free(input);
 *     kiln_package_free(pkg);
 *     return 0;
 *   }
 */
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define KILN_API __attribute__((visibility("default")))
#else
#define KILN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*/
/* Status                                                                     */
/*===----------------------------------------------------------------------===*/

/** The outcome of a fallible call: NULL on success, else an owned error. */
typedef struct kiln_status_s *kiln_status;

/** What kind of failure a status reports; the message says the details. */
typedef enum kiln_code {
  KILN_OK = 0,
  /** A caller's argument is wrong (input count, dtype, shape, bad dims),
      or a run-time check of the generated code failed on the inputs. */
  KILN_INVALID_ARGUMENT = 1,
  /** A file or a function name does not exist. */
  KILN_NOT_FOUND = 2,
  /** The file is not a valid package: bad magic, truncated, corrupted,
      malformed sections or manifest. */
  KILN_DATA_LOSS = 3,
  /** A valid package this runtime cannot run (format version, entry ABI
      version, target, architecture, CPU features). */
  KILN_UNIMPLEMENTED = 4,
  /** Memory could not be allocated. */
  KILN_RESOURCE_EXHAUSTED = 5,
  /** The OS failed (mmap, dlopen) or the package's code broke its contract
      (a bad result, a returned status that is not a kiln_code). */
  KILN_INTERNAL = 6
} kiln_code;

/** The code of `status`; KILN_OK for NULL. */
KILN_API kiln_code kiln_status_code(kiln_status status);

/** The message of `status` ("OK" for NULL). Borrowed: valid until the status
    is freed. Messages about a file start with its path: "m.kpkg: ...". */
KILN_API const char *kiln_status_message(kiln_status status);

/** Releases `status`; NULL is allowed. */
KILN_API void kiln_status_free(kiln_status status);

/*===----------------------------------------------------------------------===*/
/* Element types                                                              */
/*===----------------------------------------------------------------------===*/

/** Element type of a tensor; the values are stable (ABI). */
typedef enum kiln_dtype {
  KILN_DTYPE_INVALID = 0,
  KILN_DTYPE_F32 = 1,
  KILN_DTYPE_F64 = 2,
  KILN_DTYPE_F16 = 3,
  KILN_DTYPE_BF16 = 4,
  KILN_DTYPE_I8 = 5,
  KILN_DTYPE_I16 = 6,
  KILN_DTYPE_I32 = 7,
  KILN_DTYPE_I64 = 8,
  KILN_DTYPE_U8 = 9,
  KILN_DTYPE_U16 = 10,
  KILN_DTYPE_U32 = 11,
  KILN_DTYPE_U64 = 12,
  /** One byte per element, 0 or 1. */
  KILN_DTYPE_BOOL = 13
} kiln_dtype;

/** The manifest name of `dtype` ("f32", "bf16", "bool", ...); "invalid" for
    an unknown value. Static storage. */
KILN_API const char *kiln_dtype_name(kiln_dtype dtype);

/** Size of one element in bytes; 0 for an unknown value. */
KILN_API size_t kiln_dtype_size(kiln_dtype dtype);

/*===----------------------------------------------------------------------===*/
/* Tensors                                                                    */
/*===----------------------------------------------------------------------===*/

/** A dense, contiguous, row-major tensor in host memory owning its buffer
    (64-byte aligned when the runtime allocates it). */
typedef struct kiln_tensor kiln_tensor;

/** Creates a tensor of `rank` dims (`dims` may be NULL when rank is 0) and
    copies `byte_size` bytes from `data` into it. `byte_size` must equal the
    element count times kiln_dtype_size(dtype); dims must be >= 0. On
    success `*out_tensor` is owned by the caller (kiln_tensor_free); `data`
    stays the caller's. */
KILN_API kiln_status kiln_tensor_create_copy(kiln_dtype dtype, size_t rank,
                                             const int64_t *dims,
                                             const void *data,
                                             size_t byte_size,
                                             kiln_tensor **out_tensor);

/** Like kiln_tensor_create_copy, but the buffer is zero-filled; write it
    through kiln_tensor_data. */
KILN_API kiln_status kiln_tensor_create_zeroed(kiln_dtype dtype, size_t rank,
                                               const int64_t *dims,
                                               kiln_tensor **out_tensor);

/** Releases `tensor` and its buffer; NULL is allowed. */
KILN_API void kiln_tensor_free(kiln_tensor *tensor);

/** The element type (KILN_DTYPE_INVALID for NULL). */
KILN_API kiln_dtype kiln_tensor_dtype(const kiln_tensor *tensor);

/** The number of dims (0 for a scalar or NULL). */
KILN_API size_t kiln_tensor_rank(const kiln_tensor *tensor);

/** The `rank` dims, borrowed from the tensor (NULL for rank 0). */
KILN_API const int64_t *kiln_tensor_dims(const kiln_tensor *tensor);

/** The product of the dims (1 for a scalar, 0 for NULL). */
KILN_API size_t kiln_tensor_element_count(const kiln_tensor *tensor);

/** The buffer size in bytes: element count times element size. */
KILN_API size_t kiln_tensor_byte_size(const kiln_tensor *tensor);

/** The first element, row-major; borrowed, writable, valid until the tensor
    is freed. Never NULL for a live tensor, even with 0 elements. */
KILN_API void *kiln_tensor_data(kiln_tensor *tensor);

/*===----------------------------------------------------------------------===*/
/* Context                                                                    */
/*===----------------------------------------------------------------------===*/

/** Settings for running functions. Optional: NULL means one thread. */
typedef struct kiln_context kiln_context;

/** Creates a context. `num_threads` is the number of threads the generated
    code may use, the calling thread included; 0 means one per hardware
    thread; at most 1024. The context starts num_threads - 1 worker threads
    (none for one thread), which stay idle until code calls parallel_for
    (include/kiln/abi.h) and are joined by kiln_context_free. Code that
    uses parallel_for runs its chunks on them and on the thread that called
    kiln_function_run; code that does not runs on the calling thread alone.
    Several runs may share one context at once: their parallel_for calls
    share the workers, and each caller always makes progress on its own.
    KILN_RESOURCE_EXHAUSTED when the threads cannot be started. On success
    `*out_context` is owned by the caller (kiln_context_free). */
KILN_API kiln_status kiln_context_create(int32_t num_threads,
                                         kiln_context **out_context);

/** Releases `context` and joins its worker threads; NULL is allowed. No run
    using it may be in flight. */
KILN_API void kiln_context_free(kiln_context *context);

/** The resolved thread count (>= 1); 1 for NULL. */
KILN_API int32_t kiln_context_num_threads(const kiln_context *context);

/*===----------------------------------------------------------------------===*/
/* Packages and functions                                                     */
/*===----------------------------------------------------------------------===*/

/** A loaded package. */
typedef struct kiln_package kiln_package;

/** One entry point of a package; borrowed from it. */
typedef struct kiln_function kiln_function;

/** The signature of one input or output; borrowed from its package, as are
    all the pointers in it. */
typedef struct kiln_value_info {
  /** Name from the model ("x"). */
  const char *name;
  kiln_dtype dtype;
  size_t rank;
  /** `rank` dims; -1 marks a symbolic dim bound at run time. */
  const int64_t *dims;
  /** `rank` entries: the symbolic dim's name ("batch"; "?" for an anonymous
      dim that binds independently), NULL for a static dim. */
  const char *const *dim_names;
} kiln_value_info;

/** Maps the package file at `path` read-only, checks it and loads its
    code. Checked at load: magic and format version (a version-1 package or
    one newer than this runtime gives KILN_UNIMPLEMENTED), size, the header
    checksum, the section table (kinds, bounds, alignment, no overlaps), the
    checksums of the manifest and code sections, the manifest, the target,
    architecture and CPU features, and each function's entry ABI version.
    The weights are mapped but not read, so loading costs the same for any
    weight size; kiln_package_verify checks them on request. On success
    `*out_package` is owned by the caller (kiln_package_free). */
KILN_API kiln_status kiln_package_load(const char *path,
                                       kiln_package **out_package);

/** Like kiln_package_load, for a package already in memory (e.g. embedded
    in an executable): `size` must be the package's exact size. `name`
    (NULL for "<memory>") starts the messages about it.

    Ownership: when `data` is 64-byte aligned the package BORROWS it: the
    runtime neither copies nor frees it, the weights are used where they
    are, and the memory must stay valid and unchanged until
    kiln_package_free. When `data` is not 64-byte aligned the runtime COPIES
    the whole package into an aligned buffer of its own (the weights must
    be 64-byte aligned), and `data` may be released as soon as this call
    returns. Align embedded packages (e.g. `.balign 64` before `.incbin`)
    to avoid the copy. */
KILN_API kiln_status kiln_package_load_from_memory(const void *data,
                                                   size_t size,
                                                   const char *name,
                                                   kiln_package **out_package);

/** Checks the checksum of every section of a loaded package, the weights
    included: it reads the whole package (a few GB/s), which loading does
    not. KILN_DATA_LOSS names the first section that does not match
    ("weights section checksum mismatch: ..."). May run concurrently with
    runs of the package. */
KILN_API kiln_status kiln_package_verify(const kiln_package *package);

/** Unloads `package`; its functions, value infos and names become invalid
    and no kiln_function_run of it may be in flight. NULL is allowed. Output
    tensors of earlier runs stay valid: they own their buffers. */
KILN_API void kiln_package_free(kiln_package *package);

/** The manifest's target ("cpu"); borrowed. */
KILN_API const char *kiln_package_target(const kiln_package *package);

/** The number of functions in the package. */
KILN_API size_t kiln_package_function_count(const kiln_package *package);

/** The function at `index` in manifest order, or NULL when out of range. */
KILN_API const kiln_function *
kiln_package_function_at(const kiln_package *package, size_t index);

/** Finds the function called `name`; KILN_NOT_FOUND (listing the names the
    package has) when there is none. `*out_function` is borrowed. */
KILN_API kiln_status kiln_package_find_function(
    const kiln_package *package, const char *name,
    const kiln_function **out_function);

/** The function's name ("main"); borrowed. */
KILN_API const char *kiln_function_name(const kiln_function *function);

/** The number of inputs, in the model's order. */
KILN_API size_t kiln_function_input_count(const kiln_function *function);

/** The number of outputs. */
KILN_API size_t kiln_function_output_count(const kiln_function *function);

/** The signature of input `index`, or NULL when out of range. */
KILN_API const kiln_value_info *
kiln_function_input(const kiln_function *function, size_t index);

/** The signature of output `index`, or NULL when out of range. */
KILN_API const kiln_value_info *
kiln_function_output(const kiln_function *function, size_t index);

/** Runs `function`. `inputs` holds `input_count` tensors in the model's
    order; they are checked against the signature (count, dtype, rank,
    static dims, and symbolic dims bound consistently across inputs) and only
    read. `context` may be NULL (one thread). `outputs` must have room for
    exactly kiln_function_output_count(function) entries (`output_count`);
    on success each entry receives a new tensor owned by the caller
    (kiln_tensor_free), on failure every entry is set to NULL.

    A run-time check of the generated code that fails (e.g. inner dims of a
    matmul that differ, which only the run's sizes reveal) gives
    KILN_INVALID_ARGUMENT "function 'NAME': <the code's message>"; no output
    is returned and every buffer the code allocated is freed. */
KILN_API kiln_status kiln_function_run(const kiln_function *function,
                                       const kiln_context *context,
                                       kiln_tensor *const *inputs,
                                       size_t input_count,
                                       kiln_tensor **outputs,
                                       size_t output_count);

/** Like kiln_function_run, but the outputs go into tensors the caller
    created (e.g. with kiln_tensor_create_zeroed, reused across runs):
    `outputs` holds exactly kiln_function_output_count(function) distinct
    tensors. Before the run each is checked against the signature (dtype,
    rank, static dims and dims the inputs bind); after it, against the
    shape the run produced: any difference is KILN_INVALID_ARGUMENT and no
    tensor is written. On success each tensor holds its result. The
    runtime copies each result into its tensor (the generated code
    allocates its results itself today), so this saves the allocation of
    output tensors but not the copy. An output tensor may also be one of
    the inputs. */
KILN_API kiln_status kiln_function_run_into(const kiln_function *function,
                                            const kiln_context *context,
                                            kiln_tensor *const *inputs,
                                            size_t input_count,
                                            kiln_tensor *const *outputs,
                                            size_t output_count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_H */
