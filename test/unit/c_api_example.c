/* test/unit/c_api_example.c - the worked example of include/kiln/runtime.h, compiled as C11 and run by ctest. */
#include "kiln/runtime.h"
#include <stdio.h>

#define CHECK(expr) do { kiln_status st_ = (expr); if (st_) {          \
    fprintf(stderr, "error: %s\n", kiln_status_message(st_));          \
    kiln_status_free(st_); return 1; } } while (0)

int main(int argc, char **argv) {
  kiln_package *pkg = NULL;
  CHECK(kiln_package_load(argc > 1 ? argv[1] : "model.kpkg", &pkg));
  const kiln_function *fn = NULL;
  CHECK(kiln_package_find_function(pkg, "main", &fn));

  // Inspect the signature: "x: f32 [batch, 4]".
  const kiln_value_info *x = kiln_function_input(fn, 0);
  printf("%s: %s [", x->name, kiln_dtype_name(x->dtype));
  for (size_t i = 0; i < x->rank; ++i) {
    if (x->dims[i] < 0)
      printf("%s%s", i ? ", " : "", x->dim_names[i]);
    else
      printf("%s%lld", i ? ", " : "", (long long)x->dims[i]);
  }
  printf("]\n");

  // One input tensor of shape 2x4, copied from a C array.
  float data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  int64_t dims[2] = {2, 4};
  kiln_tensor *input = NULL;
  CHECK(kiln_tensor_create_copy(KILN_DTYPE_F32, 2, dims, data,
                                sizeof data, &input));

  // Run; the outputs array receives new tensors that we must free.
  size_t n_out = kiln_function_output_count(fn);
  kiln_tensor *outputs[8] = {NULL};
  if (n_out > 8)
    return 1;
  CHECK(kiln_function_run(fn, NULL, &input, 1, outputs, n_out));
  const float *y = (const float *)kiln_tensor_data(outputs[0]);
  printf("y[0] = %g of %zu elements\n", y[0],
         kiln_tensor_element_count(outputs[0]));

  for (size_t i = 0; i < n_out; ++i)
    kiln_tensor_free(outputs[i]);
  kiln_tensor_free(input);
  kiln_package_free(pkg);
  return 0;
}
