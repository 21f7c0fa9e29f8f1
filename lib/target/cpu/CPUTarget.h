//===- CPUTarget.h - The CPU target of the compile driver -------*- C++ -*-===//
// The host CPU as a kiln::driver::Target: the CPU entry ABI and lowering
// pipelines (kiln/Pipelines.h), LLVM codegen to an ELF shared object
// (CPUCodegen.h), and the manifest's "triple" and "cpu_features".
#ifndef KILN_LIB_TARGET_CPU_CPUTARGET_H
#define KILN_LIB_TARGET_CPU_CPUTARGET_H

#include "lib/driver/Target.h"

#include <memory>

namespace kiln::cpu {

/// The CPU target for `options` (its optLevel and cpu).
std::unique_ptr<kiln::driver::Target>
createTarget(const kiln::driver::TargetOptions &options);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_CPUTARGET_H
