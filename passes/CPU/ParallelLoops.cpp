//===- ParallelLoops.cpp - scf.forall runs through exec->parallel_for -----===//
// The runtime lends generated code a thread pool through the entry ABI
// (include/kiln/abi.h): exec->parallel_for(exec, count, grain, body, closure)
// calls body(closure, begin, end) over chunks of [0, count). An outermost
// scf.forall on memrefs (its iterations write disjoint memory) becomes such a
// call: its body is outlined into an internal llvm.func that runs the
// linearized iterations [begin, end), and every value the body uses from
// above travels in a closure struct on the caller's stack.
#include "passes/CPU/Passes.h"

#include "kiln/abi.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace kiln::cpu {
#define GEN_PASS_DEF_CPUPARALLELLOOPS
#include "passes/CPU/Passes.h.inc"
} // namespace kiln::cpu

using namespace mlir;

namespace {

/// The LLVM type a captured value is stored as, or null when the value
/// cannot travel in the closure (then the loop stays serial).
Type storageType(Type type) {
  MLIRContext *ctx = type.getContext();
  if (isa<IndexType>(type))
    return IntegerType::get(ctx, 64);
  if (isa<IntegerType, FloatType, LLVM::LLVMPointerType>(type))
    return type;
  if (auto memref = dyn_cast<MemRefType>(type)) {
    if (memref.getMemorySpace())
      return {};
    // The descriptor FinalizeMemRefToLLVM builds: allocated and aligned
    // pointers, offset, sizes and strides.
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    SmallVector<Type> fields{ptr, ptr, i64};
    if (memref.getRank() > 0) {
      auto array = LLVM::LLVMArrayType::get(i64, memref.getRank());
      fields.push_back(array);
      fields.push_back(array);
    }
    return LLVM::LLVMStructType::getLiteral(ctx, fields);
  }
  return {};
}

/// Converts a captured value to what the closure stores.
Value toStorage(OpBuilder &b, Location loc, Value value, Type storage) {
  if (isa<IndexType>(value.getType()))
    return arith::IndexCastOp::create(b, loc, storage, value);
  if (isa<MemRefType>(value.getType()))
    return UnrealizedConversionCastOp::create(b, loc, storage, value)
        .getResult(0);
  return value;
}

/// Converts a value loaded from the closure back to the captured type.
Value fromStorage(OpBuilder &b, Location loc, Value stored, Type type) {
  if (isa<IndexType>(type))
    return arith::IndexCastOp::create(b, loc, type, stored);
  if (isa<MemRefType>(type))
    return UnrealizedConversionCastOp::create(b, loc, type, stored)
        .getResult(0);
  return stored;
}

struct CPUParallelLoopsPass
    : kiln::cpu::impl::CPUParallelLoopsBase<CPUParallelLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    unsigned bodyCount = 0;
    for (auto func : module.getOps<func::FuncOp>()) {
      unsigned numArgs = func.getNumArguments();
      if (func.isExternal() || numArgs == 0 ||
          !func.getArgAttr(numArgs - 1, kiln::cpu::kExecArgAttr))
        continue;
      Value exec = func.getArgument(numArgs - 1);
      SmallVector<scf::ForallOp> loops;
      func.walk([&](scf::ForallOp loop) {
        if (!loop->getParentOfType<scf::ForallOp>() &&
            loop.getOutputs().empty())
          loops.push_back(loop);
      });
      for (scf::ForallOp loop : loops)
        outline(loop, func, exec, module, bodyCount);
    }
  }

  static void outline(scf::ForallOp loop, func::FuncOp func, Value exec,
                      ModuleOp module, unsigned &bodyCount) {
    MLIRContext *ctx = loop.getContext();
    Location loc = loop.getLoc();
    OpBuilder b(loop);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = b.getI64Type();

    // Trip counts per dimension, and their product: the linearized range.
    SmallVector<Value> lbs = getValueOrCreateConstantIndexOp(
        b, loc, loop.getMixedLowerBound());
    SmallVector<Value> ubs = getValueOrCreateConstantIndexOp(
        b, loc, loop.getMixedUpperBound());
    SmallVector<Value> steps =
        getValueOrCreateConstantIndexOp(b, loc, loop.getMixedStep());
    SmallVector<Value> counts;
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value count = arith::ConstantIndexOp::create(b, loc, 1);
    // Folded, so that static bounds stay constants the body can rebuild.
    for (auto [lb, ub, step] : llvm::zip(lbs, ubs, steps)) {
      Value span = b.createOrFold<arith::SubIOp>(loc, ub, lb);
      Value trips = b.createOrFold<arith::CeilDivSIOp>(loc, span, step);
      trips = b.createOrFold<arith::MaxSIOp>(loc, trips, zero);
      counts.push_back(trips);
      count = b.createOrFold<arith::MulIOp>(loc, count, trips);
    }

    // What the body needs from above: its free values, then the bounds.
    // Constants are rebuilt in the body rather than stored in the closure:
    // a loop bound or step loaded from memory hides its value from LLVM,
    // which then neither unrolls nor vectorizes the loops of the body.
    llvm::SetVector<Value> free;
    getUsedValuesDefinedAbove(loop.getRegion(), free);
    SmallVector<Value> captures(free.begin(), free.end());
    unsigned boundsBegin = captures.size();
    llvm::append_range(captures, lbs);
    llvm::append_range(captures, steps);
    llvm::append_range(captures, counts);
    auto isConstant = [](Value v) {
      Operation *def = v.getDefiningOp();
      return def && def->getNumOperands() == 0 &&
             def->hasTrait<OpTrait::ConstantLike>();
    };
    SmallVector<Type> fields;
    SmallVector<int64_t> fieldOf; // the closure field of each capture, or -1
    for (Value capture : captures) {
      if (isConstant(capture)) {
        fieldOf.push_back(-1);
        continue;
      }
      Type storage = storageType(capture.getType());
      if (!storage)
        return; // stays serial
      fieldOf.push_back(fields.size());
      fields.push_back(storage);
    }
    auto closureType = LLVM::LLVMStructType::getLiteral(ctx, fields);
    unsigned rank = lbs.size();

    // body(closure, begin, end): for l in [begin, end): delinearize, run.
    OpBuilder moduleBuilder = OpBuilder::atBlockEnd(module.getBody());
    auto bodyType =
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr, i64, i64});
    std::string name =
        (func.getSymName() + "_parallel_body_" + Twine(bodyCount++)).str();
    auto body = LLVM::LLVMFuncOp::create(moduleBuilder, loc, name, bodyType,
                                         LLVM::Linkage::Internal);
    Block *entry = body.addEntryBlock(moduleBuilder);
    OpBuilder bb = OpBuilder::atBlockBegin(entry);
    Value closureArg = entry->getArgument(0);
    SmallVector<Value> loaded;
    for (auto [capture, field] : llvm::zip(captures, fieldOf)) {
      if (field < 0) {
        loaded.push_back(bb.clone(*capture.getDefiningOp())->getResult(0));
        continue;
      }
      Value slot = LLVM::GEPOp::create(
          bb, loc, ptr, closureType, closureArg,
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(field)});
      Value stored = LLVM::LoadOp::create(bb, loc, fields[field], slot);
      loaded.push_back(fromStorage(bb, loc, stored, capture.getType()));
    }
    IRMapping mapping;
    for (unsigned i = 0; i < boundsBegin; ++i)
      mapping.map(captures[i], loaded[i]);
    ArrayRef<Value> bodyLbs = ArrayRef(loaded).slice(boundsBegin, rank);
    ArrayRef<Value> bodySteps = ArrayRef(loaded).slice(boundsBegin + rank, rank);
    ArrayRef<Value> bodyCounts =
        ArrayRef(loaded).slice(boundsBegin + 2 * rank, rank);
    Value begin = arith::IndexCastOp::create(bb, loc, bb.getIndexType(),
                                             entry->getArgument(1));
    Value end = arith::IndexCastOp::create(bb, loc, bb.getIndexType(),
                                           entry->getArgument(2));
    Value one = arith::ConstantIndexOp::create(bb, loc, 1);
    auto serial = scf::ForOp::create(bb, loc, begin, end, one);
    {
      OpBuilder ib = OpBuilder::atBlockBegin(serial.getBody());
      Value rest = serial.getInductionVar();
      SmallVector<Value> ivs(rank);
      for (int d = static_cast<int>(rank) - 1; d >= 0; --d) {
        Value digit = rest;
        if (d > 0) {
          digit = arith::RemSIOp::create(ib, loc, rest, bodyCounts[d]);
          rest = arith::DivSIOp::create(ib, loc, rest, bodyCounts[d]);
        }
        Value scaled = arith::MulIOp::create(ib, loc, digit, bodySteps[d]);
        ivs[d] = arith::AddIOp::create(ib, loc, bodyLbs[d], scaled);
      }
      for (auto [iv, value] : llvm::zip(loop.getInductionVars(), ivs))
        mapping.map(iv, value);
      for (Operation &op : loop.getBody()->without_terminator())
        ib.clone(op, mapping);
    }
    LLVM::ReturnOp::create(bb, loc, ValueRange{});

    // The caller: the closure lives in the entry block's frame (one slot per
    // loop, however often the loop runs).
    OpBuilder frame = OpBuilder::atBlockBegin(&func.getBody().front());
    Value oneSlot = LLVM::ConstantOp::create(frame, loc, i64, 1);
    Value closure =
        LLVM::AllocaOp::create(frame, loc, ptr, closureType, oneSlot);
    for (auto [capture, field] : llvm::zip(captures, fieldOf)) {
      if (field < 0)
        continue;
      Value slot = LLVM::GEPOp::create(
          b, loc, ptr, closureType, closure,
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(field)});
      LLVM::StoreOp::create(b, loc, toStorage(b, loc, capture, fields[field]),
                            slot);
    }
    Value count64 = arith::IndexCastOp::create(b, loc, i64, count);
    Value bodyPtr = LLVM::AddressOfOp::create(b, loc, ptr, body.getSymName());
    Value zero64 = LLVM::ConstantOp::create(b, loc, i64, 0);
    Value one64 = LLVM::ConstantOp::create(b, loc, i64, 1);
    Value tiny = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle,
                                       count64, one64);
    scf::IfOp::create(
        b, loc, tiny,
        [&](OpBuilder &tb, Location tl) {
          LLVM::CallOp::create(tb, tl, body, ValueRange{closure, zero64, count64});
          scf::YieldOp::create(tb, tl);
        },
        [&](OpBuilder &eb, Location el) {
          Value slot = LLVM::GEPOp::create(
              eb, el, ptr, eb.getI8Type(), exec,
              ArrayRef<LLVM::GEPArg>{KILN_EXEC_OFFSET_PARALLEL_FOR});
          Value parallelFor = LLVM::LoadOp::create(eb, el, ptr, slot);
          auto fnType = LLVM::LLVMFunctionType::get(
              LLVM::LLVMVoidType::get(ctx), {ptr, i64, i64, ptr, ptr});
          // Grain 1: every iteration of these loops is a whole tile.
          LLVM::CallOp::create(
              eb, el, fnType,
              ValueRange{parallelFor, exec, count64, one64, bodyPtr, closure});
          scf::YieldOp::create(eb, el);
        });
    loop.erase();
  }
};

} // namespace
