// runtime/CpuFeatures.cpp - instruction-set checks, so a package built for a newer CPU fails to load instead of dying of SIGILL.
#include "runtime/CpuFeatures.h"

bool kiln::rt::hostHasCpuFeature(const std::string &name) {
#if defined(__x86_64__)
  // __builtin_cpu_supports takes literals; this is the list kiln-compile
  // records (lib/target/cpu: kRecordedCpuFeatures).
#define KILN_FEATURE(llvmName, builtinName)                                    \
  if (name == llvmName)                                                        \
    return __builtin_cpu_supports(builtinName);
  KILN_FEATURE("sse4.2", "sse4.2")
  KILN_FEATURE("avx", "avx")
  KILN_FEATURE("avx2", "avx2")
  KILN_FEATURE("fma", "fma")
  KILN_FEATURE("bmi2", "bmi2")
  KILN_FEATURE("avx512f", "avx512f")
  KILN_FEATURE("avx512bw", "avx512bw")
  KILN_FEATURE("avx512dq", "avx512dq")
  KILN_FEATURE("avx512vl", "avx512vl")
  KILN_FEATURE("avx512vnni", "avx512vnni")
  KILN_FEATURE("avx512bf16", "avx512bf16")
#undef KILN_FEATURE
#endif
  (void)name;
  return true;
}

std::vector<std::string> kiln::rt::missingCpuFeatures(
    const std::vector<std::string> &required,
    const std::function<bool(const std::string &)> &has) {
  std::vector<std::string> missing;
  for (const std::string &feature : required)
    if (!has(feature))
      missing.push_back(feature);
  return missing;
}
