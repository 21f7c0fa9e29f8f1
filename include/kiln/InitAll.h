//===- InitAll.h - Registration of kiln's dialects and passes ---*- C++ -*-===//
#ifndef KILN_INITALL_H
#define KILN_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace kiln {

/// Adds kiln's dialects and every upstream dialect and extension kiln's
/// pipelines use (bufferization models, LLVM translation interfaces).
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers kiln's passes and named pipelines with the global registry.
void registerAllPasses();

} // namespace kiln

#endif // KILN_INITALL_H
