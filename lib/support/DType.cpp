//===- DType.cpp - MLIR element types as packages name them ---------------===//
#include "lib/support/DType.h"

#include "runtime/PackageFormat.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace {
/// Integer dtypes by width, signed and unsigned.
struct IntDType {
  unsigned width;
  kiln_dtype signless, unsignedDType;
};
constexpr IntDType kIntDTypes[] = {
    {8, KILN_DTYPE_I8, KILN_DTYPE_U8},
    {16, KILN_DTYPE_I16, KILN_DTYPE_U16},
    {32, KILN_DTYPE_I32, KILN_DTYPE_U32},
    {64, KILN_DTYPE_I64, KILN_DTYPE_U64},
};
} // namespace

kiln_dtype kiln::dtypeOf(Type element) {
  if (element.isF32())
    return KILN_DTYPE_F32;
  if (element.isF64())
    return KILN_DTYPE_F64;
  if (element.isF16())
    return KILN_DTYPE_F16;
  if (element.isBF16())
    return KILN_DTYPE_BF16;
  if (element.isSignlessInteger(1))
    return KILN_DTYPE_BOOL;
  auto integer = dyn_cast<IntegerType>(element);
  if (!integer || integer.isSigned())
    return KILN_DTYPE_INVALID;
  for (const IntDType &entry : kIntDTypes)
    if (entry.width == integer.getWidth())
      return integer.isUnsigned() ? entry.unsignedDType : entry.signless;
  return KILN_DTYPE_INVALID;
}

Type kiln::elementTypeOf(MLIRContext *context, kiln_dtype dtype) {
  Builder b(context);
  switch (dtype) {
  case KILN_DTYPE_F32:
    return b.getF32Type();
  case KILN_DTYPE_F64:
    return b.getF64Type();
  case KILN_DTYPE_F16:
    return b.getF16Type();
  case KILN_DTYPE_BF16:
    return b.getBF16Type();
  case KILN_DTYPE_BOOL:
    return b.getI1Type();
  default:
    break;
  }
  for (const IntDType &entry : kIntDTypes) {
    if (dtype == entry.signless)
      return b.getIntegerType(entry.width);
    if (dtype == entry.unsignedDType)
      return b.getIntegerType(entry.width, /*isSigned=*/false);
  }
  return nullptr;
}

std::string kiln::manifestDTypeName(Type element) {
  kiln_dtype dtype = dtypeOf(element);
  return dtype == KILN_DTYPE_INVALID ? "" : format::dtypeName(dtype);
}
