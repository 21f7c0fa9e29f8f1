//===- OnnxImporterImpl.h - Shared state of the ONNX importer ---*- C++ -*-===//
//
// Internal to lib/frontend/onnx: the graph-wide import state (values by ONNX
// name, known constants, declared types), the per-node view that op handlers
// work through, and the operator table. OnnxImporter.cpp walks the graph,
// OnnxImportState.cpp implements the state and the node view, and the
// Onnx<Area>Ops.cpp files (compute, shape, activation, reduction,
// normalization, data movement, vision, quantization, signal, transformer,
// recurrent) and OnnxEinsum.cpp hold the handlers, each area with its rows
// of the table; OnnxSchemaVersions.cpp knows which schema versions of each
// op they implement.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_FRONTEND_ONNX_ONNXIMPORTERIMPL_H
#define KILN_LIB_FRONTEND_ONNX_ONNXIMPORTERIMPL_H

#include "dialects/Model/IR/ModelBuilder.h"
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"

#include <onnx/onnx_pb.h>

#include <limits>
#include <optional>

namespace kiln::onnx_frontend {

/// The newest default-domain opset whose schema versions kiln knows (from
/// libonnx up to kLastRegistryOpset, then OnnxSchemaChanges18to23.inc); a
/// model importing a newer one is rejected per node, not guessed. A row up to
/// kMaxKnownOpset imports only the opsets whose version of the op its handler
/// implements (OnnxOpVersions.inc, getRowLimit).
inline constexpr int64_t kMaxKnownOpset = 23;

/// The newest opset whose schemas libonnx's registry is asked for: what
/// Debian 12's ONNX 1.12 knows.
inline constexpr int64_t kLastRegistryOpset = 17;

/// The cap of a row whose op has no OnnxOpVersions.inc entry: the opset the
/// handlers were checked against before the versions were data.
inline constexpr int64_t kLegacyMaxOpset = 21;

/// The `max` of NodeImporter::checkInputCount for variadic ops.
inline constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();

/// Constants with more elements than this become `model.weight`s (stored in
/// the package's weights section); smaller ones `model.constant`s.
inline constexpr int64_t kMaxInlineConstantElements = 16;

/// An ONNX value as the importer knows it. Constants (initializers, Constant
/// nodes, folded shape arithmetic) are kept as attributes and materialized as
/// ops only when some node consumes them as a tensor, so a shape that only
/// feeds Reshape leaves no op behind.
struct ValueEntry {
  mlir::Value value;                // null until materialized, for constants
  mlir::DenseElementsAttr constant; // contents, when statically known
  mlir::Location loc;               // where the value is defined
  std::string weightName;           // the name a materialized weight carries
};

/// Graph-wide state shared by the walk and the op handlers.
class ImportState {
public:
  ImportState(mlir::MLIRContext &context, llvm::StringRef path);

  mlir::MLIRContext *context;
  mlir::OpBuilder builder;
  std::string path;
  /// file:0:0, the root of every location.
  mlir::Location fileLoc;
  llvm::StringMap<ValueEntry> values;
  /// Types the graph declares for values (value_info and graph outputs).
  llvm::StringMap<const onnx::TypeProto *> declaredTypes;

  /// Maps an ONNX TensorProto data type to an MLIR element type; nullptr
  /// for types kiln does not support.
  mlir::Type convertElementType(int32_t dataType);

  /// Converts a tensor (raw_data, typed fields, or external data) to a dense
  /// attribute; reports problems through `emitError`.
  mlir::FailureOr<mlir::DenseElementsAttr>
  convertTensor(const onnx::TensorProto &tensor,
                llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

  /// A large initializer (more than kMaxInlineConstantElements elements,
  /// not bool) whose bytes are raw_data or external data, as a
  /// `dense_resource` whose blob holds the bytes without a copy: raw_data
  /// is moved out of `tensor`, external data stays in the mapped file.
  /// Returns a null attribute for any other tensor (convertTensor's).
  mlir::FailureOr<mlir::ElementsAttr>
  convertWeight(onnx::TensorProto &tensor,
                llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

  /// Converts a TypeProto to a ranked tensor type; fails with a message for
  /// sequences, maps, unranked tensors and unsupported element types.
  mlir::FailureOr<mlir::RankedTensorType>
  convertType(const onnx::TypeProto &type,
              llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

  /// Returns the SSA value of `entry`, creating its constant or weight op at
  /// the current insertion point the first time.
  mlir::Value materialize(ValueEntry &entry);

private:
  /// Reads the bytes of an external-data tensor (a file relative to the
  /// model); `expectedBytes` is the size when the tensor names no length.
  mlir::FailureOr<llvm::StringRef>
  readExternalData(const onnx::TensorProto &tensor, uint64_t expectedBytes,
                   llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

  /// The type of a tensor, checking what both conversions rely on.
  mlir::FailureOr<mlir::RankedTensorType>
  convertTensorType(const onnx::TensorProto &tensor,
                    llvm::function_ref<mlir::InFlightDiagnostic()> emitError);
  /// The tensor's raw_data or external data, checked against `type`'s size;
  /// nullopt when its values are in the typed fields.
  mlir::FailureOr<std::optional<llvm::StringRef>>
  rawTensorData(const onnx::TensorProto &tensor, mlir::RankedTensorType type,
                llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

  /// External data files, mapped read-only (null for an empty file); the
  /// blobs of weights in them share the mapping.
  llvm::StringMap<std::shared_ptr<llvm::sys::fs::mapped_file_region>>
      externalFiles;
};

using OptionalInts = std::optional<llvm::SmallVector<int64_t>>;

/// One node's view for its handler: inputs, attributes with ONNX defaults,
/// outputs, and building ops with their types inferred. Every failure is
/// reported as "node '<name>' (<op type>): <what>" at the node's location.
class NodeImporter {
public:
  NodeImporter(ImportState &state, const onnx::NodeProto &node, int64_t opset,
               std::string name, mlir::Location loc);

  const onnx::NodeProto &node;
  /// The model's default-domain opset.
  const int64_t opset;
  const std::string name;
  const mlir::Location loc;

  mlir::MLIRContext *getContext() { return state.context; }
  /// The builder at the node's insertion point, for ops of other dialects
  /// than `model` (fused.attention and its destination).
  mlir::OpBuilder &builder() { return state.builder; }
  llvm::StringRef opType() const { return node.op_type(); }

  /// Starts an error at the node, prefixed with its name and op type.
  mlir::InFlightDiagnostic emitError();

  //===--- Inputs ---------------------------------------------------------===//

  /// Number of input slots, counting omitted optional inputs ("").
  int64_t numInputs() const { return node.input_size(); }
  /// Whether input `i` is given (exists and is not "").
  bool hasInput(int64_t i) const;
  /// Checks that the node has between `min` and `max` input slots.
  mlir::LogicalResult checkInputCount(int64_t min, int64_t max);
  /// Before `opset` (the version that introduced numpy broadcasting for
  /// variadic ops such as Max, Min, Sum and Mean), checks that all inputs
  /// have one shape.
  mlir::LogicalResult checkEqualInputShapesBefore(int64_t opset);
  /// The values of inputs 0..required-1 (each must be given), then of the
  /// optional ones after them up to the first omitted one.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  leadingInputs(int64_t required);
  /// The SSA value of input `i` (materializing a constant if needed).
  mlir::FailureOr<mlir::Value> input(int64_t i);
  /// The type of input `i`, without materializing it.
  mlir::FailureOr<mlir::RankedTensorType> inputType(int64_t i);
  /// The contents of input `i` when statically known, else null.
  mlir::DenseElementsAttr constantInput(int64_t i);
  /// The integer contents of input `i` (`role` names it in errors): fails
  /// when the input is missing, not constant or not integer.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  constantIntInput(int64_t i, llvm::StringRef role);

  //===--- Attributes -----------------------------------------------------===//

  /// Looks an attribute up and marks it as understood.
  const onnx::AttributeProto *findAttr(llvm::StringRef attrName);
  /// Marks attributes the handler may ignore (e.g. Dropout's seed).
  void ignoreAttrs(llvm::ArrayRef<llvm::StringRef> attrNames);
  /// The first attribute the handler never looked at, if any: an attribute
  /// ONNX does not define for this op and opset, or one kiln does not
  /// implement; either way ignoring it could change the result.
  const onnx::AttributeProto *findUnusedAttr() const;
  /// After the handler: checks that it produced every output the graph uses
  /// and that their types agree with what the graph declares for them.
  mlir::LogicalResult checkOutputs();
  /// An INT attribute; without a default it is required.
  mlir::FailureOr<int64_t> intAttr(llvm::StringRef attrName,
                                   std::optional<int64_t> dflt = std::nullopt);
  mlir::FailureOr<float> floatAttr(llvm::StringRef attrName, float dflt);
  mlir::FailureOr<std::string> stringAttr(llvm::StringRef attrName,
                                          llvm::StringRef dflt);
  /// An INTS attribute, or nullopt when absent.
  mlir::FailureOr<OptionalInts> intsAttr(llvm::StringRef attrName);

  //===--- Types and tensors ----------------------------------------------===//

  /// The MLIR element type of an ONNX data type; null when unsupported.
  mlir::Type convertElementType(int64_t dataType);
  /// A TensorProto (e.g. a Constant's `value`) as a dense attribute.
  mlir::FailureOr<mlir::DenseElementsAttr>
  convertTensor(const onnx::TensorProto &tensor);

  //===--- Axes -----------------------------------------------------------===//

  /// Maps an axis in [-rank, rank) to [0, rank).
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what = "axis");
  /// Normalizes a list of axes and rejects repeats.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  normalizeAxes(llvm::ArrayRef<int64_t> axes, int64_t rank,
                llvm::StringRef what = "axes");

  //===--- Outputs --------------------------------------------------------===//

  /// Defines output `i` (ignored when the graph does not name it). A value
  /// defined by a constant op is also known as a constant.
  mlir::LogicalResult setOutput(int64_t i, mlir::FailureOr<mlir::Value> value);
  /// Defines output `i` from createOrFold: a folded constant stays an
  /// attribute until some node needs it as a tensor.
  mlir::LogicalResult setOutput(int64_t i,
                                mlir::FailureOr<mlir::OpFoldResult> folded);
  /// Defines output `i` as a known constant.
  mlir::LogicalResult setConstantOutput(int64_t i,
                                        mlir::DenseElementsAttr value);
  /// Output `i` is input `j` (Identity, Dropout), constants included.
  mlir::LogicalResult forwardInput(int64_t j, int64_t i);
  /// `dims` refined by the static dims the graph declares for output `i`
  /// (value_info or graph output) where it declares a shape of that rank;
  /// for ops whose lowering checks a stated static dim at run time.
  llvm::SmallVector<int64_t> refineByDeclared(int64_t i,
                                              llvm::ArrayRef<int64_t> dims);

  //===--- Building ops ---------------------------------------------------===//

  /// Creates `OpTy` from operands and attributes with its result type
  /// inferred by the op itself; inference and verifier failures become
  /// errors at the node.
  template <typename OpTy>
  mlir::FailureOr<mlir::Value>
  create(mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attributes = {}) {
    return modelBuilder().create<OpTy>(loc, operands, attributes,
                                       [&] { return emitError(); });
  }

  /// Like `create`, then folds the op (see ModelBuilder::createOrFold); for
  /// `setOutput`, which keeps a folded constant as a known value.
  template <typename OpTy>
  mlir::FailureOr<mlir::OpFoldResult>
  createOrFold(mlir::ValueRange operands,
               llvm::ArrayRef<mlir::NamedAttribute> attributes = {}) {
    return modelBuilder().createOrFold<OpTy>(loc, operands, attributes,
                                             [&] { return emitError(); });
  }

  /// Creates `OpTy` with the result type the caller states (for ops without
  /// type inference); verifier failures become errors at the node.
  template <typename OpTy>
  mlir::FailureOr<mlir::Value> createTyped(mlir::Type resultType,
                                           mlir::ValueRange operands) {
    return modelBuilder().createTyped<OpTy>(loc, resultType, operands,
                                            [&] { return emitError(); });
  }

  /// Attribute shorthands.
  mlir::NamedAttribute named(llvm::StringRef attrName, mlir::Attribute value);
  mlir::DenseI64ArrayAttr i64Array(llvm::ArrayRef<int64_t> values);
  mlir::IntegerAttr i64(int64_t value);

private:
  kiln::model::ModelBuilder modelBuilder() {
    return kiln::model::ModelBuilder(state.builder);
  }
  /// Checks a produced type against the type the graph declares for it.
  mlir::LogicalResult checkDeclared(int64_t i, mlir::Type type);
  mlir::LogicalResult define(int64_t i, ValueEntry entry);
  mlir::FailureOr<ValueEntry *> lookupInput(int64_t i);

  ImportState &state;
  /// Per attribute of the node: whether the handler asked for it.
  llvm::SmallVector<bool> attrUsed;
  /// Per output of the node: whether the handler defined it.
  llvm::SmallVector<bool> outputDefined;
};

//===----------------------------------------------------------------------===//
// Operator table
//===----------------------------------------------------------------------===//

using OpHandler = mlir::LogicalResult (*)(NodeImporter &);

/// Which opsets of a default-domain operator the handler implements.
struct OpSupport {
  llvm::StringLiteral opType;
  int64_t minOpset;
  int64_t maxOpset;
  OpHandler handler;
};

/// Every operator table; a row's op type may appear in several tables
/// (disjoint opset ranges). OnnxImporter.cpp.
llvm::SmallVector<llvm::ArrayRef<OpSupport>> allOpTables();

//===--- Schema versions (OnnxSchemaVersions.cpp) -----------------------===//

/// The since_versions of a default-domain op in libonnx's registry, up to
/// kLastRegistryOpset, ascending.
llvm::SmallVector<int64_t> getRegistrySchemaVersions(llvm::StringRef opType);
/// The since_versions of opsets 18 to 23 (OnnxSchemaChanges18to23.inc).
llvm::SmallVector<int64_t> getChangelogSchemaVersions(llvm::StringRef opType);
/// Both, ascending: every schema version of the op up to kMaxKnownOpset.
llvm::SmallVector<int64_t> getSchemaHistory(llvm::StringRef opType);
/// The version of `history` in effect at `opset` (0 before the first).
int64_t schemaVersionAt(llvm::ArrayRef<int64_t> history, int64_t opset);
/// The schema versions the handlers of `opType` implement
/// (OnnxOpVersions.inc); nullopt when the op has no entry.
std::optional<llvm::ArrayRef<int64_t>>
getImplementedVersions(llvm::StringRef opType);

/// How far a row really reaches.
struct RowLimit {
  /// The newest opset the row imports: its maxOpset, or the opset before
  /// the first schema version in its range that its handler does not
  /// implement.
  int64_t maxOpset;
  /// That version (0 when the row reaches its maxOpset).
  int64_t unimplementedVersion;
};
RowLimit getRowLimit(const OpSupport &row);

/// Handlers of elementwise and contraction ops (OnnxOps.cpp).
llvm::ArrayRef<OpSupport> getComputeOpTable();
/// Handlers of reductions, the softmax family, CumSum and TopK
/// (OnnxReductionOps.cpp).
llvm::ArrayRef<OpSupport> getReductionOpTable();
/// Handlers of the normalizations (OnnxNormalizationOps.cpp).
llvm::ArrayRef<OpSupport> getNormalizationOpTable();
/// Handlers of data-movement, shape and constant ops (OnnxShapeOps.cpp).
llvm::ArrayRef<OpSupport> getShapeOpTable();
/// Handlers of activations and other ops composed from elementwise model
/// ops (OnnxActivationOps.cpp).
llvm::ArrayRef<OpSupport> getActivationOpTable();
/// Handlers of the linear quantization ops and the integer matmuls
/// (OnnxQuantizationOps.cpp).
llvm::ArrayRef<OpSupport> getQuantizationOpTable();

/// Einsum (OnnxEinsum.cpp): the equation made explicit for model.einsum.
mlir::LogicalResult importEinsum(NodeImporter &n);
/// Handlers of broadcasting, padding, splitting, indexing and shape-built
/// ops (OnnxDataMovementOps.cpp).
llvm::ArrayRef<OpSupport> getDataMovementOpTable();
/// Handlers of opset 23's RMSNormalization, RotaryEmbedding and Attention
/// (OnnxTransformerOps.cpp).
llvm::ArrayRef<OpSupport> getTransformerOpTable();
/// Handlers of convolution, pooling and LRN (OnnxVisionOps.cpp).
llvm::ArrayRef<OpSupport> getVisionOpTable();
/// Handlers of DFT, STFT, MelWeightMatrix, GridSample and Det
/// (OnnxSignalOps.cpp).
llvm::ArrayRef<OpSupport> getSignalOpTable();
/// model.conv of `x`, `w` and the optional `bias` with the node's Conv
/// attributes (group, strides, dilations, pads, auto_pad, kernel_shape),
/// checked as Conv checks them (OnnxVisionOps.cpp); for Conv and, on
/// zero-point-shifted i32 operands, ConvInteger and QLinearConv.
mlir::FailureOr<mlir::Value> buildConv(NodeImporter &n, mlir::Value x,
                                       mlir::Value w, mlir::Value bias);
/// Handlers of RNN, GRU and LSTM (OnnxRecurrentOps.cpp).
llvm::ArrayRef<OpSupport> getRecurrentOpTable();
/// Handlers of NonZero and Compress, whose result sizes depend on the data
/// (OnnxDynamicOps.cpp).
llvm::ArrayRef<OpSupport> getDynamicOpTable();

/// The forms of Slice, Squeeze and Unsqueeze whose index inputs are known
/// only at run time, and Dropout with a run-time training_mode
/// (OnnxDynamicOps.cpp); the Shape-area handlers call them when an input is
/// not a constant.
mlir::LogicalResult importDynamicSlice(NodeImporter &n);
mlir::LogicalResult importDynamicSqueeze(NodeImporter &n);
mlir::LogicalResult importDynamicUnsqueeze(NodeImporter &n);
mlir::LogicalResult importRuntimeDropout(NodeImporter &n);

/// The model.reshape target of ONNX's coercion of `type` to 2-D at `axis`
/// (Flatten, and Softmax before opset 13): [prod(dims[:axis]),
/// prod(dims[axis:])], a dynamic group as -1, or 0 (copy) when it is just
/// dim 0. Fails at the node for empty shapes and when both groups are
/// dynamic.
mlir::FailureOr<llvm::SmallVector<int64_t>>
flattenTarget(NodeImporter &n, mlir::RankedTensorType type, int64_t axis);

//===----------------------------------------------------------------------===//
// Integer constants (Constant nodes and narrow-integer tensor data)
//===----------------------------------------------------------------------===//

/// An integer constant of `shape` and `elementType` (values truncated to
/// its width; i1 holds `v != 0`).
mlir::DenseElementsAttr makeIntegerAttr(llvm::ArrayRef<int64_t> shape,
                                        mlir::Type elementType,
                                        llvm::ArrayRef<int64_t> values);

/// "[2, ?, 4]", as the dialect's diagnostics print shapes.
using kiln::model::formatShape;

} // namespace kiln::onnx_frontend

#endif // KILN_LIB_FRONTEND_ONNX_ONNXIMPORTERIMPL_H
