// A tiny helper for building IR by hand in tests.
#pragma once

#include "ir/ir.h"

namespace kiln::ir::testing {

inline Instr make(Op op, uint32_t dst = kNone, uint32_t a = kNone, uint32_t b = kNone, uint32_t c = kNone) {
  Instr i;
  i.op = op;
  i.dst = dst;
  i.a = a;
  i.b = b;
  i.c = c;
  i.loc = SourceRange{0, 1, 1, 1, 1};
  return i;
}

// A function with `regs` registers named r0.. (named, so the bound-check pass tracks them).
inline Function& add_function(Program& p, const std::string& name, uint32_t regs, uint32_t params = 0) {
  auto fn = std::make_unique<Function>();
  fn->name = name;
  fn->loc = SourceRange{0, 1, 1, 1, 1};
  fn->num_regs = regs;
  for (uint32_t r = 0; r < regs; ++r) fn->reg_names.push_back("r" + std::to_string(r));
  for (uint32_t k = 0; k < params; ++k) fn->params.push_back({"r" + std::to_string(k), false});
  p.functions.push_back(std::move(fn));
  return *p.functions.back();
}

}  // namespace kiln::ir::testing
