// tools/kiln-run/kiln-run.cpp - runs a function of a .kpkg package on tensors from files or the command line (a thin main over lib/runner).
#include "lib/runner/PbFormat.h"
#include "lib/runner/Runner.h"

int main(int argc, char **argv) {
  kiln::runner::Config config;
  config.program = "kiln-run";
  config.formats = {kiln::runner::npyFormat(), kiln::runner::pbFormat()};
  return kiln::runner::runMain(argc, argv, config);
}
