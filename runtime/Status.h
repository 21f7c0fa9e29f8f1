// runtime/Status.h - the kiln_status object and helpers to build error messages.
#ifndef KILN_RUNTIME_STATUS_H
#define KILN_RUNTIME_STATUS_H

#include "kiln/runtime.h"

#include <exception>
#include <new>
#include <sstream>
#include <string>
#include <utility>

/// The object behind a non-NULL kiln_status.
struct kiln_status_s {
  kiln_code code;
  std::string message;
};

namespace kiln::rt {

/// Concatenates the arguments with operator<<; keeps message code short.
template <typename... Args> std::string str(Args &&...args) {
  std::ostringstream os;
  (os << ... << std::forward<Args>(args));
  return os.str();
}

/// Returns a new error status. Never throws: when even the status cannot be
/// allocated it returns a shared static "out of memory" status, which
/// kiln_status_free knows not to delete.
kiln_status makeStatus(kiln_code code, std::string message) noexcept;

/// The shared status reporting an allocation failure.
kiln_status outOfMemory() noexcept;

/// Runs `body` (returning kiln_status) and turns any C++ exception into a
/// status, so that none crosses the C boundary.
template <typename Body> kiln_status guard(Body &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return outOfMemory();
  } catch (const std::exception &e) {
    return makeStatus(KILN_INTERNAL, str("internal error: ", e.what()));
  } catch (...) {
    return makeStatus(KILN_INTERNAL, "internal error: unknown exception");
  }
}

} // namespace kiln::rt

#endif // KILN_RUNTIME_STATUS_H
