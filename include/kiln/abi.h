/* include/kiln/abi.h - the entry ABI between kiln-generated code and the runtime. */
/*
 * Every function of a package's code exports one entry point:
 *
 *   int32_t <symbol>(void **args, kiln_exec *exec);
 *
 * `args[0]` points to the result area, then come one memref descriptor per
 * input and per weight (docs/package-format.md, "Calling convention").
 * `exec` is the execution context the runtime provides for this one call; it
 * is never NULL and lives until the entry returns. The entry returns 0
 * (KILN_OK) or a kiln_code; a run-time check that failed is reported through
 * `exec->fail` instead, and the runtime turns it into the run's error.
 *
 * Versioning: the manifest records the ABI version each function was
 * compiled for ("abi_version"); a runtime refuses a version it does not
 * implement. New members are only ever appended to kiln_exec, so code
 * compiled for version N reads the same offsets in a version N+k context.
 *
 * Version history:
 *   1  void <symbol>(void **args)              (package format 1)
 *   2  int32_t <symbol>(void **args, kiln_exec *exec)
 *
 * Plain C, no dependencies: generated code addresses the members by their
 * offsets (asserted below), so the layout is part of the ABI.
 */
#ifndef KILN_ABI_H
#define KILN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI version this header describes. */
#define KILN_ABI_VERSION 2

typedef struct kiln_exec kiln_exec;

/** A body run by parallel_for over the half-open range [begin, end). */
typedef void (*kiln_task_fn)(void *closure, int64_t begin, int64_t end);

struct kiln_exec {
  /** KILN_ABI_VERSION of the runtime that filled this context. */
  uint32_t abi_version;
  /** Threads parallel_for may use (>= 1). */
  uint32_t num_threads;
  /** Runs body(closure, b, e) over chunks covering [0, count), each of at
      least `grain` iterations (except the last), on up to num_threads
      threads, and returns when all have finished. Bodies must not call
      parallel_for themselves (it then runs inline). */
  void (*parallel_for)(kiln_exec *exec, int64_t count, int64_t grain,
                       kiln_task_fn body, void *closure);
  /** Reports a failed run-time check. `message` is a NUL-terminated string
      in the code's read-only data naming the source node and the sizes that
      contradict ("node 'MatMul_0': inner dims of MatMul differ"). The code
      keeps running with sizes clamped so that nothing is read or written
      out of bounds; the runtime discards the results and returns the first
      message as the run's error (KILN_INVALID_ARGUMENT). Thread-safe. */
  void (*fail)(kiln_exec *exec, const char *message);
  /** The CUDA stream (CUstream) of this call; NULL for CPU code. */
  void *cuda_stream;
  /** The runtime's own state; generated code does not touch it. */
  void *runtime_private;
};

/** The entry point every function of a package exports (ABI version 2). */
typedef int32_t (*kiln_entry_fn)(void **args, kiln_exec *exec);

/* Offsets that generated code relies on (x86-64 / AArch64 LP64). */
#define KILN_EXEC_OFFSET_PARALLEL_FOR 8
#define KILN_EXEC_OFFSET_FAIL 16
#define KILN_EXEC_OFFSET_CUDA_STREAM 24

#if defined(__cplusplus)
static_assert(offsetof(kiln_exec, parallel_for) == KILN_EXEC_OFFSET_PARALLEL_FOR,
              "kiln_exec layout");
static_assert(offsetof(kiln_exec, fail) == KILN_EXEC_OFFSET_FAIL,
              "kiln_exec layout");
static_assert(offsetof(kiln_exec, cuda_stream) == KILN_EXEC_OFFSET_CUDA_STREAM,
              "kiln_exec layout");
#else
_Static_assert(offsetof(kiln_exec, parallel_for) ==
                   KILN_EXEC_OFFSET_PARALLEL_FOR,
               "kiln_exec layout");
_Static_assert(offsetof(kiln_exec, fail) == KILN_EXEC_OFFSET_FAIL,
               "kiln_exec layout");
_Static_assert(offsetof(kiln_exec, cuda_stream) == KILN_EXEC_OFFSET_CUDA_STREAM,
               "kiln_exec layout");
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_ABI_H */
