#include "ir/verify.h"

#include "frontend/builtins.h"
#include "ir/operands.h"

namespace kiln::ir {

namespace {

class FunctionVerifier {
 public:
  FunctionVerifier(const Program& p, const Function& f, std::vector<std::string>& problems)
      : program_(p), fn_(f), problems_(problems) {}

  void run() {
    if (fn_.blocks.empty()) return fail("", "function has no blocks");
    if (fn_.reg_names.size() != fn_.num_regs) fail("", "reg_names does not match num_regs");
    if (fn_.params.size() > fn_.num_regs) fail("", "more parameters than registers");
    for (uint32_t b = 0; b < fn_.blocks.size(); ++b) verify_block(b);
  }

 private:
  void fail(const std::string& where, const std::string& what) {
    problems_.push_back(fn_.name + (where.empty() ? "" : ": " + where) + ": " + what);
  }

  void verify_block(uint32_t b) {
    const Block& block = fn_.blocks[b];
    if (block.instrs.empty()) return fail(block.label, "empty block");
    for (size_t k = 0; k < block.instrs.size(); ++k) {
      const Instr& i = block.instrs[k];
      std::string where = block.label + "[" + std::to_string(k) + "] " + op_name(i.op);
      bool last = k + 1 == block.instrs.size();
      if (is_terminator(i.op) != last) {
        fail(where, last ? "block does not end in a terminator" : "terminator in the middle of a block");
      }
      verify_instr(i, where);
    }
  }

  void verify_field(Field role, uint32_t v, const std::string& where, const char* field) {
    auto bad = [&](const std::string& what) { fail(where, std::string(field) + ": " + what); };
    switch (role) {
      case Field::kUnused:
      case Field::kCount:
        return;
      case Field::kOptReg:
        if (v == kNone) return;
        [[fallthrough]];
      case Field::kReg:
        if (v >= fn_.num_regs) bad("register " + std::to_string(v) + " out of range");
        return;
      case Field::kOptConst:
        if (v == kNone) return;
        [[fallthrough]];
      case Field::kConst:
        if (v >= program_.constants.size()) bad("constant out of range");
        return;
      case Field::kGlobal:
        if (v >= program_.global_names.size()) bad("global out of range");
        return;
      case Field::kBuiltin:
        if (v >= static_cast<uint32_t>(BuiltinId::kCount)) bad("builtin out of range");
        return;
      case Field::kFree:
        if (v >= fn_.num_captures) bad("capture out of range");
        return;
      case Field::kBlock:
        if (v >= fn_.blocks.size()) bad("block out of range");
        return;
      case Field::kFunction:
        if (v >= program_.functions.size()) bad("function out of range");
        return;
      case Field::kSymbol:
        if (v >= program_.symbols.size()) bad("symbol out of range");
        return;
      case Field::kModule:
        if (v >= program_.modules.size()) bad("module out of range");
        return;
    }
  }

  void verify_instr(const Instr& i, const std::string& where) {
    OperandRoles r = operand_roles(i.op);
    if (r.has_dst && i.dst >= fn_.num_regs) fail(where, "dst out of range");
    if (!r.has_dst && i.dst != kNone) fail(where, "dst set on an instruction without a result");
    verify_field(r.a, i.a, where, "a");
    verify_field(r.b, i.b, where, "b");
    verify_field(r.c, i.c, where, "c");
    if (r.args != ArgsRole::kNone) {
      for (uint32_t reg : i.args)
        if (reg >= fn_.num_regs) fail(where, "argument register out of range");
    } else if (!i.args.empty()) {
      fail(where, "args set on an instruction without arguments");
    }
    if (r.keywords) {
      if (i.nkw > i.args.size()) fail(where, "more keywords than arguments");
      if (i.nkw > 0) {
        if (i.kwnames >= program_.constants.size() ||
            !std::holds_alternative<KeywordNames>(program_.constants[i.kwnames]) ||
            std::get<KeywordNames>(program_.constants[i.kwnames]).size() != i.nkw) {
          fail(where, "keyword names constant does not match nkw");
        }
      }
    } else if (i.nkw != 0) {
      fail(where, "keywords on an instruction without keyword arguments");
    }
    if (i.op == Op::MakeClosure && i.a < program_.functions.size()) {
      const Function& target = *program_.functions[i.a];
      if (i.b != target.num_captures) fail(where, "capture count does not match the function");
      size_t defaults = 0;
      for (const Parameter& p : target.params) defaults += p.has_default ? 1 : 0;
      if (i.args.size() != i.b + defaults) fail(where, "operands are not captures + defaults");
    }
    if (!i.loc.valid()) fail(where, "instruction without a source location");
  }

  const Program& program_;
  const Function& fn_;
  std::vector<std::string>& problems_;
};

}  // namespace

std::vector<std::string> verify_function(const Program& program, uint32_t index) {
  std::vector<std::string> problems;
  FunctionVerifier(program, *program.functions.at(index), problems).run();
  return problems;
}

std::vector<std::string> verify_program(const Program& program, uint32_t first_function) {
  std::vector<std::string> problems;
  for (uint32_t f = first_function; f < program.functions.size(); ++f) {
    FunctionVerifier(program, *program.functions[f], problems).run();
  }
  return problems;
}

}  // namespace kiln::ir
