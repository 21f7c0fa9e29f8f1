//===- OnnxModelReader.cpp - Bytes to an onnx::ModelProto -----------------===//
//
// Built with -fexceptions (see CMakeLists.txt): libonnx's OnnxParser converts
// numbers with std::stoll/std::stof, which throw on malformed or out-of-range
// literals, so every call into libonnx here sits inside a try block.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxModelReader.h"

#include "llvm/ADT/STLExtras.h"

#include <onnx/defs/parser.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <exception>
#include <regex>

using namespace kiln::onnx_frontend;

bool kiln::onnx_frontend::isOnnxText(llvm::StringRef bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    char c = bytes[i];
    if (c == '#') {
      size_t eol = bytes.find('\n', i);
      i = eol == llvm::StringRef::npos ? bytes.size() : eol + 1;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else {
      return c == '<';
    }
  }
  return false;
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

static bool parseBinary(llvm::StringRef bytes, onnx::ModelProto &model,
                        std::string &error) {
  // Protobuf messages are limited to 2 GiB; larger models keep their weights
  // in external data files.
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    error = "not a valid ONNX model: the file is larger than 2 GiB (store "
            "the weights as external data)";
    return false;
  }
  try {
    if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      error = "not a valid ONNX model (failed to parse protobuf; the file is "
              "truncated or not ONNX)";
      if (looksLikeText(bytes))
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
