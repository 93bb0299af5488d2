// The role of each operand field per instruction: which of a, b, c are
// registers read, which are immediates (constant, global, block, ...), and
// whether `args` are registers read or written. The verifier, the bound-check
// pass and the printer all read this one table.
#pragma once

#include "ir/ir.h"

namespace kiln::ir {

enum class Field : uint8_t {
  kUnused,
  kReg,          // register read (required)
  kOptReg,       // register read, may be kNone
  kConst,        // constant pool index
  kOptConst,
  kGlobal,
  kBuiltin,
  kFree,         // capture index
  kBlock,
  kFunction,
  kSymbol,
  kModule,
  kCount,        // a plain number
};

enum class ArgsRole : uint8_t { kNone, kRead, kWrite };

struct OperandRoles {
  bool has_dst = false;
  Field a = Field::kUnused, b = Field::kUnused, c = Field::kUnused;
  ArgsRole args = ArgsRole::kNone;
  bool keywords = false;  // nkw/kwnames meaningful
};

OperandRoles operand_roles(Op op);

// Calls f(reg) for every register the instruction reads.
template <class F>
void for_each_read(const Instr& i, F&& f) {
  OperandRoles r = operand_roles(i.op);
  auto field = [&](Field role, uint32_t v) {
    if (role == Field::kReg || (role == Field::kOptReg && v != kNone)) f(v);
  };
  field(r.a, i.a);
  field(r.b, i.b);
  field(r.c, i.c);
  if (r.args == ArgsRole::kRead)
    for (uint32_t reg : i.args) f(reg);
}

// Calls f(reg) for every register the instruction writes.
template <class F>
void for_each_write(const Instr& i, F&& f) {
  OperandRoles r = operand_roles(i.op);
  if (r.has_dst && i.dst != kNone) f(i.dst);
  if (r.args == ArgsRole::kWrite)
    for (uint32_t reg : i.args) f(reg);
}

}  // namespace kiln::ir
