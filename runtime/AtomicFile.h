// runtime/AtomicFile.h - write a file under a temporary name and rename it into place, so no reader sees half of it.
//
// Header-only (POSIX) so that the package writer and the tensor file writers
// share it without a library between them.
#ifndef KILN_RUNTIME_ATOMICFILE_H
#define KILN_RUNTIME_ATOMICFILE_H

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <utility>

namespace kiln {

/// A file being written: open() creates a temporary in the destination's
/// directory (so that rename() stays on one filesystem and is atomic),
/// commit() renames it over the destination. The destructor removes the
/// temporary if commit() did not succeed. Error messages start with the
/// destination path.
class AtomicFile {
public:
  explicit AtomicFile(std::string path) : path_(std::move(path)) {}
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;
  ~AtomicFile() {
    if (fd_ >= 0)
      ::close(fd_);
    if (!tempPath_.empty())
      ::unlink(tempPath_.c_str());
  }

  /// Creates the temporary file. The kernel applies the umask, so the
  /// result gets the permissions an ordinary create would give. The name
  /// (pid and a counter) is unique among live writers; a stale file left by
  /// a killed process is skipped.
  bool open(std::string &error) {
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0; attempt < 100; ++attempt) {
      tempPath_ = path_ + ".tmp." + std::to_string(::getpid()) + "." +
                  std::to_string(counter++);
      fd_ = ::open(tempPath_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                   0666);
      if (fd_ >= 0 || errno != EEXIST)
        break;
    }
    if (fd_ < 0) {
      tempPath_.clear();
      return fail("cannot create file", error);
    }
    return true;
  }

  /// Appends `size` bytes.
  bool write(const void *data, size_t size, std::string &error) {
    const char *p = static_cast<const char *>(data);
    while (size > 0) {
      ssize_t n = ::write(fd_, p, size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return fail("write failed", error);
      p += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  /// Writes `size` bytes at `offset` of what was appended so far (to fill
  /// in a header whose contents are known only at the end).
  bool writeAt(uint64_t offset, const void *data, size_t size,
               std::string &error) {
    const char *p = static_cast<const char *>(data);
    while (size > 0) {
      ssize_t n = ::pwrite(fd_, p, size, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return fail("write failed", error);
      p += n;
      offset += static_cast<uint64_t>(n);
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  /// Flushes the data to disk and renames the temporary over the
  /// destination.
  bool commit(std::string &error) {
    if (::fsync(fd_) != 0)
      return fail("write failed", error);
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0)
      return fail("write failed", error);
    if (::rename(tempPath_.c_str(), path_.c_str()) != 0)
      return fail("cannot replace file", error);
    tempPath_.clear();
    return true;
  }

private:
  bool fail(const char *what, std::string &error) {
    error = path_ + ": " + what + ": " + std::strerror(errno);
    return false;
  }

  std::string path_;
  std::string tempPath_;
  int fd_ = -1;
};

} // namespace kiln

#endif // KILN_RUNTIME_ATOMICFILE_H
