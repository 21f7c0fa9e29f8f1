// runtime/CpuFeatures.cpp - instruction-set checks, so a package built for a newer CPU fails to load instead of dying of SIGILL.
#include "runtime/CpuFeatures.h"
#include "runtime/CpuFeatureList.h"

bool kiln::rt::hostHasCpuFeature(const std::string &name) {
#if defined(__x86_64__)
  // The extensions kiln-compile may use and records (runtime/CpuFeatureList.h).
#define KILN_CHECK_FEATURE(llvmName, builtinName)                              \
  if (name == llvmName)                                                        \
    return __builtin_cpu_supports(builtinName);
  KILN_CPU_FEATURES(KILN_CHECK_FEATURE)
#undef KILN_CHECK_FEATURE
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
