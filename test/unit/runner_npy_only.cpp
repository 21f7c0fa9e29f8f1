// test/unit/runner_npy_only.cpp - a program on lib/runner without .pb support, as a standalone executable would be built: it links neither protobuf nor libonnx.
#include "lib/runner/Runner.h"

int main(int argc, char **argv) {
  kiln::runner::Config config;
  config.program = "kiln-run-npy";
  config.formats = {kiln::runner::npyFormat()};
  return kiln::runner::runMain(argc, argv, config);
}
