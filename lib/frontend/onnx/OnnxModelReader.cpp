//===- OnnxModelReader.cpp - Bytes to an onnx::ModelProto -----------------===//
//
// Built with -fexceptions (see CMakeLists.txt): libonnx's OnnxParser converts
// numbers with std::stoll/std::stof, which throw on malformed or out-of-range
// literals, so every call into libonnx here sits inside a try block.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxModelReader.h"

#include "llvm/ADT/STLExtras.h"

#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <onnx/defs/parser.h>
#include <onnx/onnx_pb.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <optional>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

using namespace kiln::onnx_frontend;

/// The first byte of `bytes` that is neither blank nor inside a `#` comment
/// line, or nullopt when there is none.
static std::optional<char> firstSignificantByte(llvm::StringRef bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    char c = bytes[i];
    if (c == '#') {
      size_t eol = bytes.find('\n', i);
      i = eol == llvm::StringRef::npos ? bytes.size() : eol + 1;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else {
      return c;
    }
  }
  return std::nullopt;
}

bool kiln::onnx_frontend::isOnnxText(llvm::StringRef bytes) {
  return firstSignificantByte(bytes) == '<';
}

/// Turns OnnxParser's three-line message ("[ParseError at position (line: L
/// column: C)]\nError context: ...\nwhat") into one line.
static std::string describeTextError(const std::string &message) {
  static const std::regex pattern(
      R"(\[ParseError at position \(line: (\d+) column: (\d+)\)\]\nError context: ([^\n]*)\n([\s\S]*))");
  std::smatch m;
  if (std::regex_match(message, m, pattern)) {
    std::string what = m[4].str();
    while (!what.empty() && (what.back() == '\n' || what.back() == ' '))
      what.pop_back();
    return "ONNX text syntax error at line " + m[1].str() + ", column " +
           m[2].str() + ": " + what + " (in: " + m[3].str() + ")";
  }
  std::string flat = message;
  for (char &c : flat)
    if (c == '\n')
      c = ' ';
  return "ONNX text syntax error: " + flat;
}

static bool parseText(llvm::StringRef bytes, onnx::ModelProto &model,
                      std::string &error) {
  // OnnxParser reads a NUL-terminated string.
  std::string text = bytes.str();
  onnx::OnnxParser parser(text.c_str());
  try {
    onnx::Common::Status status = parser.Parse(model);
    if (!status.IsOK()) {
      error = describeTextError(status.ErrorMessage());
      return false;
    }
    if (!parser.EndOfInput()) {
      error = "ONNX text syntax error: unexpected text after the graph";
      return false;
    }
    return true;
  } catch (const std::exception &e) {
    // std::stoll and friends: a literal that is not a number or is too large.
    error = "ONNX text syntax error at " + parser.GetCurrentPos() +
            ": invalid number (" + e.what() + ")";
  } catch (...) {
    error = "ONNX text syntax error at " + parser.GetCurrentPos();
  }
  return false;
}

/// Printable ASCII and blanks only: probably meant as ONNX text.
static bool looksLikeText(llvm::StringRef bytes) {
  return llvm::all_of(bytes, [](char c) {
    return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t';
  });
}

/// Protobuf messages are limited to 2 GiB; larger models keep their weights
/// in external data files.
static bool checkBinarySize(uint64_t size, std::string &error) {
  if (size <= static_cast<uint64_t>(INT_MAX))
    return true;
  error = "not a valid ONNX model: the file is larger than 2 GiB (store "
          "the weights as external data)";
  return false;
}

/// Parses a binary ModelProto through `parse`; `isText` tells, on failure,
/// whether the input looks like text that lacks the text syntax's header.
static bool parseBinaryWith(llvm::function_ref<bool()> parse,
                            llvm::function_ref<bool()> isText,
                            onnx::ModelProto &model, std::string &error) {
  try {
    if (!parse()) {
      error = "not a valid ONNX model (failed to parse protobuf; the file is "
              "truncated or not ONNX)";
      if (isText())
        error += "; a model in the ONNX text syntax starts with its "
                 "'<ir_version: ..., opset_import: [...]>' header";
      return false;
    }
    return true;
  } catch (const std::exception &e) {
    error = std::string("not a valid ONNX model (") + e.what() + ")";
  } catch (...) {
    error = "not a valid ONNX model";
  }
  return false;
}

static bool parseBinary(llvm::StringRef bytes, onnx::ModelProto &model,
                        std::string &error) {
  if (!checkBinarySize(bytes.size(), error))
    return false;
  return parseBinaryWith(
      [&] {
        return model.ParseFromArray(bytes.data(),
                                    static_cast<int>(bytes.size()));
      },
      [&] { return looksLikeText(bytes); }, model, error);
}

bool kiln::onnx_frontend::parseOnnxModel(llvm::StringRef bytes,
                                         onnx::ModelProto &model,
                                         std::string &error) {
  if (bytes.empty()) {
    error = "not a valid ONNX model: the file is empty";
    return false;
  }
  return isOnnxText(bytes) ? parseText(bytes, model, error)
                           : parseBinary(bytes, model, error);
}

namespace {

/// An open file descriptor, closed on destruction.
struct FileDescriptor {
  explicit FileDescriptor(int fd) : fd(fd) {}
  FileDescriptor(const FileDescriptor &) = delete;
  FileDescriptor &operator=(const FileDescriptor &) = delete;
  ~FileDescriptor() {
    if (fd >= 0)
      ::close(fd);
  }
  int fd;
};

/// Reads up to `size` bytes at `offset` (fewer at the end of the file).
bool readAt(int fd, uint64_t offset, size_t size, std::string &bytes,
            std::string &error) {
  bytes.resize(size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, &bytes[done], size - done, offset + done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = std::string("cannot read file: ") + std::strerror(errno);
      return false;
    }
    if (n == 0)
      break;
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return true;
}

/// looksLikeText over the whole file, a chunk at a time.
bool fileLooksLikeText(int fd) {
  constexpr size_t kChunk = size_t(1) << 20;
  std::string chunk, error;
  for (uint64_t offset = 0;; offset += kChunk) {
    if (!readAt(fd, offset, kChunk, chunk, error))
      return false;
    if (!looksLikeText(chunk))
      return false;
    if (chunk.size() < kChunk)
      return true;
  }
}

} // namespace

bool kiln::onnx_frontend::readOnnxModelFile(llvm::StringRef path,
                                            onnx::ModelProto &model,
                                            std::string &error) {
  FileDescriptor file(::open(path.str().c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st;
  if (file.fd < 0 || ::fstat(file.fd, &st) != 0) {
    error = std::string("cannot open file: ") + std::strerror(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    error = std::string("cannot open file: ") + std::strerror(EISDIR);
    return false;
  }
  // The first bytes tell text from binary. Text models are small and parsed
  // from memory; so is a file whose first bytes are all blanks and comments.
  constexpr size_t kSniffBytes = size_t(64) << 10;
  std::string bytes;
  if (!readAt(file.fd, 0, kSniffBytes, bytes, error))
    return false;
  std::optional<char> first = firstSignificantByte(bytes);
  bool complete = bytes.size() < kSniffBytes;
  if (first == '<' || (!first && !complete)) {
    if (!readAt(file.fd, 0, static_cast<size_t>(st.st_size), bytes, error))
      return false;
    complete = true;
  }
  if (complete)
    return parseOnnxModel(bytes, model, error);

  // A binary model: parsed from the file as a stream.
  if (!checkBinarySize(static_cast<uint64_t>(st.st_size), error))
    return false;
  bytes.clear();
  bytes.shrink_to_fit();
  google::protobuf::io::FileInputStream input(file.fd, /*block_size=*/1 << 20);
  bool parsed = parseBinaryWith(
      [&] { return model.ParseFromZeroCopyStream(&input) && input.GetErrno() == 0; },
      [&] { return fileLooksLikeText(file.fd); }, model, error);
  if (!parsed && input.GetErrno() != 0)
    error = std::string("cannot read file: ") + std::strerror(input.GetErrno());
  return parsed;
}
