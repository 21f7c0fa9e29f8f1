// runtime/Status.cpp - kiln_status construction and the status part of the C API.
#include "runtime/Status.h"

namespace {
kiln_status_s gOutOfMemory{KILN_RESOURCE_EXHAUSTED, "out of memory"};
} // namespace

kiln_status kiln::rt::outOfMemory() noexcept { return &gOutOfMemory; }

kiln_status kiln::rt::makeStatus(kiln_code code, std::string message) noexcept {
  try {
    return new kiln_status_s{code, std::move(message)};
  } catch (...) {
    return outOfMemory();
  }
}

extern "C" {

kiln_code kiln_status_code(kiln_status status) {
  return status ? status->code : KILN_OK;
}

const char *kiln_status_message(kiln_status status) {
  return status ? status->message.c_str() : "OK";
}

void kiln_status_free(kiln_status status) {
  if (status != &gOutOfMemory)
    delete status;
}

} // extern "C"
