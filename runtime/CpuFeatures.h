// runtime/CpuFeatures.h - which instruction-set extensions this machine has, for a package's "cpu_features".
#ifndef KILN_RUNTIME_CPUFEATURES_H
#define KILN_RUNTIME_CPUFEATURES_H

#include <functional>
#include <string>
#include <vector>

namespace kiln::rt {

/// Whether the running CPU has the LLVM feature `name` (e.g. "avx2"). Only
/// the features kiln-compile records are known; for others it returns true
/// (the runtime cannot tell, and the compiler never records them).
bool hostHasCpuFeature(const std::string &name);

/// The features of `required` that `has` reports missing, in order.
std::vector<std::string>
missingCpuFeatures(const std::vector<std::string> &required,
                   const std::function<bool(const std::string &)> &has);

} // namespace kiln::rt

#endif // KILN_RUNTIME_CPUFEATURES_H
