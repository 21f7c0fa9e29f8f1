/* test/unit/test_kernels.c - hand-written "generated code" for runtime tests, following include/kiln/abi.h (entry ABI 2) and docs/package-format.md. */
#include "kiln/abi.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Memref descriptors of rank 0, 1 and 2, as the calling convention lays
   them out: {allocated, aligned, offset, sizes[r], strides[r]}. */
typedef struct {
  void *allocated, *aligned;
  int64_t offset;
} memref0;
typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} memref1;
typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} memref2;
/* A rank-1 descriptor of any element type. */
typedef struct {
  void *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} memref1v;

/* A fresh result buffer of n floats whose data does not start at the
   allocation, like MLIR's aligned allocations: exercises allocated !=
   aligned and a non-zero offset. */
static float *alloc_result(int64_t n, float **allocated, int64_t *offset) {
  char *raw = malloc((size_t)n * sizeof(float) + 128);
  float *aligned = (float *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);
  *allocated = (float *)raw;
  *offset = 1;
  return aligned;
}

/* A fresh, contiguous rank-1 result of n elements of `size` bytes, zeroed. */
static void *alloc_rank1(memref1v *r, int64_t n, size_t size) {
  r->allocated = r->aligned = calloc((size_t)(n > 0 ? n : 1), size);
  r->offset = 0, r->sizes[0] = n, r->strides[0] = 1;
  return r->aligned;
}

/* main(x: f32[batch, 4]; weight w: f32[4]) -> (y = x + w: f32[batch, 4],
                                                s = row sums of y: f32[batch]) */
int32_t kiln_entry_main(void **args, kiln_exec *exec) {
  const memref2 *x = args[1];
  const memref1 *w = args[2];
  memref2 *y = args[0];
  memref1 *s = (memref1 *)((int64_t *)args[0] + 7);
  int64_t rows = x->sizes[0], cols = x->sizes[1];
  const float *xd = x->aligned + x->offset, *wd = w->aligned + w->offset;
  (void)exec;

  y->aligned = alloc_result(rows * cols, &y->allocated, &y->offset);
  y->sizes[0] = rows, y->sizes[1] = cols;
  y->strides[0] = cols, y->strides[1] = 1;
  s->allocated = s->aligned = malloc((size_t)(rows > 0 ? rows : 1) * sizeof(float));
  s->offset = 0, s->sizes[0] = rows, s->strides[0] = 1;

  float *yd = y->aligned + y->offset;
  for (int64_t r = 0; r < rows; ++r) {
    float sum = 0;
    for (int64_t c = 0; c < cols; ++c) {
      yd[r * cols + c] = xd[r * x->strides[0] + c * x->strides[1]] + wd[c * w->strides[0]];
      sum += yd[r * cols + c];
    }
    s->aligned[r] = sum;
  }
  return 0;
}

/* add2(a: f32[n, 3], b: f32[n, 3]) -> c = a + b: f32[n, 3] */
int32_t kiln_entry_add2(void **args, kiln_exec *exec) {
  const memref2 *a = args[1], *b = args[2];
  memref2 *c = args[0];
  int64_t n = a->sizes[0] * a->sizes[1];
  (void)exec;
  c->allocated = c->aligned = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
  c->offset = 0;
  c->sizes[0] = a->sizes[0], c->sizes[1] = a->sizes[1];
  c->strides[0] = a->sizes[1], c->strides[1] = 1;
  for (int64_t i = 0; i < n; ++i)
    c->aligned[i] = a->aligned[i] + b->aligned[i];
  return 0;
}

/* transpose(x: f32[2, 3]) -> y: f32[3, 2], returned as a strided view of a
   copy of x (strides {1, 3}): the runtime must make it contiguous. */
int32_t kiln_entry_transpose(void **args, kiln_exec *exec) {
  const memref2 *x = args[1];
  memref2 *y = args[0];
  (void)exec;
  y->allocated = y->aligned = malloc(6 * sizeof(float));
  memcpy(y->aligned, x->aligned + x->offset, 6 * sizeof(float));
  y->offset = 0;
  y->sizes[0] = 3, y->sizes[1] = 2;
  y->strides[0] = 1, y->strides[1] = 3;
  return 0;
}

/* identity(x: f32[n]) -> (y: f32[n], w: f32[4]): returns its input and its
   weight themselves, which the runtime must copy, not adopt. */
int32_t kiln_entry_identity(void **args, kiln_exec *exec) {
  (void)exec;
  memcpy(args[0], args[1], sizeof(memref1));
  memcpy((int64_t *)args[0] + 5, args[2], sizeof(memref1));
  return 0;
}

/* bad_shape(x: f32[2]) -> y: f32[2], but returns 3 elements. */
int32_t kiln_entry_bad_shape(void **args, kiln_exec *exec) {
  memref1 *y = args[0];
  (void)args[1];
  (void)exec;
  y->allocated = y->aligned = calloc(3, sizeof(float));
  y->offset = 0, y->sizes[0] = 3, y->strides[0] = 1;
  return 0;
}

/* ---- parallel_for ------------------------------------------------------ */

struct fill_state {
  int32_t *y;
  int64_t n, grain;
  int64_t violations, chunks; /* updated atomically */
  kiln_exec *exec;
};

struct nested_state {
  pthread_t thread;
  int64_t covered, violations;
};

static void nested_body(void *closure, int64_t begin, int64_t end) {
  struct nested_state *s = closure;
  /* A nested parallel_for must run inline, on the thread of its caller. */
  if (!pthread_equal(pthread_self(), s->thread))
    ++s->violations;
  s->covered += end - begin;
}

static void fill_body(void *closure, int64_t begin, int64_t end) {
  struct fill_state *s = closure;
  __atomic_add_fetch(&s->chunks, 1, __ATOMIC_RELAXED);
  if (begin < 0 || end > s->n || begin >= end ||
      (end - begin < s->grain && end != s->n))
    __atomic_add_fetch(&s->violations, 1, __ATOMIC_RELAXED);
  for (int64_t i = begin; i < end && i >= 0 && i < s->n; ++i)
    __atomic_add_fetch(&s->y[i], 1, __ATOMIC_RELAXED);
  struct nested_state nested = {pthread_self(), 0, 0};
  s->exec->parallel_for(s->exec, 3, 1, nested_body, &nested);
  if (nested.covered != 3 || nested.violations != 0)
    __atomic_add_fetch(&s->violations, 1, __ATOMIC_RELAXED);
}

/* par_fill(x: f32[n], grain: i64[]) -> (y: i32[n], info: i64[4]): y counts
   how often parallel_for visited each index (1 when the chunks cover the
   range exactly once); info = {num_threads, abi_version, violations of the
   chunk contract, chunks}. */
int32_t kiln_entry_par_fill(void **args, kiln_exec *exec) {
  const memref1 *x = args[1];
  const memref0 *g = args[2];
  memref1v *y = args[0];
  memref1v *info = (memref1v *)((int64_t *)args[0] + 5);
  struct fill_state s;
  s.n = x->sizes[0];
  s.grain = *((const int64_t *)g->aligned + g->offset);
  s.y = alloc_rank1(y, s.n, sizeof(int32_t));
  s.violations = s.chunks = 0;
  s.exec = exec;
  exec->parallel_for(exec, s.n, s.grain, fill_body, &s);
  int64_t *out = alloc_rank1(info, 4, sizeof(int64_t));
  out[0] = exec->num_threads;
  out[1] = exec->abi_version;
  out[2] = s.violations;
  out[3] = s.chunks;
  return 0;
}

struct rendezvous_state {
  int64_t arrived, expected;
  int32_t timed_out;
};

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void rendezvous_body(void *closure, int64_t begin, int64_t end) {
  struct rendezvous_state *s = closure;
  __atomic_add_fetch(&s->arrived, end - begin, __ATOMIC_SEQ_CST);
  /* Waits for every other chunk: only threads running at the same time
     can all arrive, so this returns early only with real threads. */
  double deadline = now_seconds() + 20.0;
  while (__atomic_load_n(&s->arrived, __ATOMIC_SEQ_CST) < s->expected) {
    if (now_seconds() > deadline) {
      __atomic_store_n(&s->timed_out, 1, __ATOMIC_SEQ_CST);
      return;
    }
    sched_yield();
  }
}

/* rendezvous(x: f32[]) -> met: i32[]: 1 when num_threads chunks of one
   iteration ran at the same time. */
int32_t kiln_entry_rendezvous(void **args, kiln_exec *exec) {
  memref0 *met = args[0];
  int32_t *out = malloc(sizeof(int32_t));
  struct rendezvous_state s = {0, exec->num_threads, 0};
  exec->parallel_for(exec, exec->num_threads, 1, rendezvous_body, &s);
  *out = !s.timed_out && s.arrived == s.expected;
  met->allocated = met->aligned = out;
  met->offset = 0;
  return 0;
}

/* ---- fail and status codes --------------------------------------------- */

struct add_state {
  const float *a, *b;
  float *c;
  int64_t m;
  int differ;
  kiln_exec *exec;
};

static void add_body(void *closure, int64_t begin, int64_t end) {
  struct add_state *s = closure;
  if (s->differ) /* reported from every chunk, concurrently: ignored */
    s->exec->fail(s->exec, "node 'Add_0': a later failure from a chunk");
  for (int64_t i = begin; i < end; ++i)
    s->c[i] = s->a[i] + (s->m > 0 ? s->b[i < s->m ? i : s->m - 1] : 0.0f);
}

/* bad_size(a: f32[n], b: f32[m]) -> c = a + b: f32[n]. A run-time check:
   when n != m it reports the failure, then goes on with clamped indices,
   like generated code, still allocating and filling its result. */
int32_t kiln_entry_bad_size(void **args, kiln_exec *exec) {
  const memref1 *a = args[1], *b = args[2];
  memref1 *c = args[0];
  struct add_state s;
  s.a = a->aligned + a->offset;
  s.b = b->aligned + b->offset;
  s.m = b->sizes[0];
  s.differ = a->sizes[0] != b->sizes[0];
  s.exec = exec;
  s.c = alloc_rank1((memref1v *)c, a->sizes[0], sizeof(float));
  if (s.differ)
    exec->fail(exec, "node 'Add_0': the sizes of a and b differ");
  exec->parallel_for(exec, a->sizes[0], 1024, add_body, &s);
  return 0;
}

/* ret_code(x: i32[]) -> y: f32[4]: allocates its result, then returns x as
   its status. */
int32_t kiln_entry_ret_code(void **args, kiln_exec *exec) {
  const memref0 *x = args[1];
  memref1v *y = args[0];
  (void)exec;
  float *out = alloc_rank1(y, 4, sizeof(float));
  for (int i = 0; i < 4; ++i)
    out[i] = (float)i;
  return *((const int32_t *)x->aligned + x->offset);
}

/* fail_null(x: f32[]) -> y: f32[]: reports a failure without a message. */
int32_t kiln_entry_fail_null(void **args, kiln_exec *exec) {
  memref0 *y = args[0];
  y->allocated = y->aligned = calloc(1, sizeof(float));
  y->offset = 0;
  exec->fail(exec, NULL);
  return 0;
}
