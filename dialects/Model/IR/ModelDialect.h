//===- ModelDialect.h - The `model` dialect ----------------------*- C++ -*-===//
#ifndef KILN_DIALECTS_MODEL_IR_MODELDIALECT_H
#define KILN_DIALECTS_MODEL_IR_MODELDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/Model/IR/ModelDialect.h.inc"

#endif // KILN_DIALECTS_MODEL_IR_MODELDIALECT_H
