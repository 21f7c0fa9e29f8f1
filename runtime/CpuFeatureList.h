// runtime/CpuFeatureList.h - the instruction-set extensions packages record and the runtime checks.
//
// One list for both sides: kiln-compile generates code only with these
// extensions (plus the x86-64 baseline) and records the ones it enabled in
// the manifest's "cpu_features"; the runtime refuses a package naming one the
// CPU lacks. An extension missing here is never used, so a package cannot die
// of SIGILL on a CPU without it. Dependency-free: included by
// runtime/CpuFeatures.cpp and lib/target/cpu/CPUCodegen.cpp.
//
// KILN_CPU_FEATURE(llvmName, builtinName): the LLVM subtarget feature, and
// the name __builtin_cpu_supports knows it by (it takes only literals).
#ifndef KILN_RUNTIME_CPUFEATURELIST_H
#define KILN_RUNTIME_CPUFEATURELIST_H

#define KILN_CPU_FEATURES(KILN_CPU_FEATURE)                                    \
  KILN_CPU_FEATURE("sse3", "sse3")                                             \
  KILN_CPU_FEATURE("ssse3", "ssse3")                                           \
  KILN_CPU_FEATURE("sse4.1", "sse4.1")                                         \
  KILN_CPU_FEATURE("sse4.2", "sse4.2")                                         \
  KILN_CPU_FEATURE("popcnt", "popcnt")                                         \
  KILN_CPU_FEATURE("cx16", "cx16")                                             \
  KILN_CPU_FEATURE("sahf", "sahf")                                             \
  KILN_CPU_FEATURE("avx", "avx")                                               \
  KILN_CPU_FEATURE("avx2", "avx2")                                             \
  KILN_CPU_FEATURE("fma", "fma")                                               \
  KILN_CPU_FEATURE("f16c", "f16c")                                             \
  KILN_CPU_FEATURE("bmi", "bmi")                                               \
  KILN_CPU_FEATURE("bmi2", "bmi2")                                             \
  KILN_CPU_FEATURE("lzcnt", "lzcnt")                                           \
  KILN_CPU_FEATURE("movbe", "movbe")                                           \
  KILN_CPU_FEATURE("avx512f", "avx512f")                                       \
  KILN_CPU_FEATURE("avx512bw", "avx512bw")                                     \
  KILN_CPU_FEATURE("avx512dq", "avx512dq")                                     \
  KILN_CPU_FEATURE("avx512vl", "avx512vl")                                     \
  KILN_CPU_FEATURE("avx512cd", "avx512cd")                                     \
  KILN_CPU_FEATURE("avx512vnni", "avx512vnni")                                 \
  KILN_CPU_FEATURE("avx512bf16", "avx512bf16")                                 \
  KILN_CPU_FEATURE("avx512fp16", "avx512fp16")                                 \
  KILN_CPU_FEATURE("avx512vbmi", "avx512vbmi")                                 \
  KILN_CPU_FEATURE("avx512vbmi2", "avx512vbmi2")                               \
  KILN_CPU_FEATURE("avx512ifma", "avx512ifma")                                 \
  KILN_CPU_FEATURE("avx512bitalg", "avx512bitalg")                             \
  KILN_CPU_FEATURE("avx512vpopcntdq", "avx512vpopcntdq")                       \
  KILN_CPU_FEATURE("avxvnni", "avxvnni")                                       \
  KILN_CPU_FEATURE("gfni", "gfni")                                             \
  KILN_CPU_FEATURE("vaes", "vaes")                                             \
  KILN_CPU_FEATURE("vpclmulqdq", "vpclmulqdq")                                 \
  KILN_CPU_FEATURE("aes", "aes")                                               \
  KILN_CPU_FEATURE("pclmul", "pclmul")                                         \
  KILN_CPU_FEATURE("adx", "adx")

#endif // KILN_RUNTIME_CPUFEATURELIST_H
