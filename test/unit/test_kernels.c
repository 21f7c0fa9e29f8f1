/* test/unit/test_kernels.c - hand-written "generated code" for runtime tests, following docs/package-format.md's calling convention. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Memref descriptors of rank 1 and 2, as the calling convention lays them
   out: {allocated, aligned, offset, sizes[r], strides[r]}. */
typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} memref1;
typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} memref2;

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

/* main(x: f32[batch, 4]; weight w: f32[4]) -> (y = x + w: f32[batch, 4],
                                                s = row sums of y: f32[batch]) */
void kiln_entry_main(void **args) {
  const memref2 *x = args[1];
  const memref1 *w = args[2];
  memref2 *y = args[0];
  memref1 *s = (memref1 *)((int64_t *)args[0] + 7);
  int64_t rows = x->sizes[0], cols = x->sizes[1];
  const float *xd = x->aligned + x->offset, *wd = w->aligned + w->offset;

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
}

/* add2(a: f32[n, 3], b: f32[n, 3]) -> c = a + b: f32[n, 3] */
void kiln_entry_add2(void **args) {
  const memref2 *a = args[1], *b = args[2];
  memref2 *c = args[0];
  int64_t n = a->sizes[0] * a->sizes[1];
  c->allocated = c->aligned = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
  c->offset = 0;
  c->sizes[0] = a->sizes[0], c->sizes[1] = a->sizes[1];
  c->strides[0] = a->sizes[1], c->strides[1] = 1;
  for (int64_t i = 0; i < n; ++i)
    c->aligned[i] = a->aligned[i] + b->aligned[i];
}

/* transpose(x: f32[2, 3]) -> y: f32[3, 2], returned as a strided view of a
   copy of x (strides {1, 3}): the runtime must make it contiguous. */
void kiln_entry_transpose(void **args) {
  const memref2 *x = args[1];
  memref2 *y = args[0];
  y->allocated = y->aligned = malloc(6 * sizeof(float));
  memcpy(y->aligned, x->aligned + x->offset, 6 * sizeof(float));
  y->offset = 0;
  y->sizes[0] = 3, y->sizes[1] = 2;
  y->strides[0] = 1, y->strides[1] = 3;
}

/* identity(x: f32[n]) -> (y: f32[n], w: f32[4]): returns its input and its
   weight themselves, which the runtime must copy, not adopt. */
void kiln_entry_identity(void **args) {
  memcpy(args[0], args[1], sizeof(memref1));
  memcpy((int64_t *)args[0] + 5, args[2], sizeof(memref1));
}

/* bad_shape(x: f32[2]) -> y: f32[2], but returns 3 elements. */
void kiln_entry_bad_shape(void **args) {
  memref1 *y = args[0];
  (void)args[1];
  y->allocated = y->aligned = calloc(3, sizeof(float));
  y->offset = 0, y->sizes[0] = 3, y->strides[0] = 1;
}
