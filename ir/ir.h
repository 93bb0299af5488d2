// Kiln's intermediate representation: a Program of Functions, each a list of
// basic blocks of register instructions with explicit control flow, explicit
// closures (cells, captures) and explicit effect instructions (Sample,
// Observe, Param, Factor, Deterministic, PlateEnter/Exit). Registers are
// mutable slots, not SSA: a function's parameters are registers
// 0..num_params-1, its named locals follow, then temporaries.
//
// Produced by lower.cpp from the resolved AST, checked by verify.cpp after
// lowering and after every pass, printed by print.cpp (`kiln ir`), executed by
// runtime/interpreter and (later) compiled by codegen/. Plain data: no
// LibTorch, no LLVM.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "frontend/source.h"

namespace kiln::ir {

enum class Op : uint8_t {
#define INSTR(name, operands, meaning) name,
#include "ir/instructions.def"
#undef INSTR
};
inline constexpr int kNumOps = 0
#define INSTR(name, operands, meaning) +1
#include "ir/instructions.def"
#undef INSTR
    ;

const char* op_name(Op op);
bool is_terminator(Op op);

inline constexpr uint32_t kNone = 0xFFFFFFFFu;  // absent register / constant

struct Instr {
  Op op;
  uint32_t dst = kNone;
  uint32_t a = kNone, b = kNone, c = kNone;  // meaning per op: ir/instructions.def
  // Keyword arguments of calls and effect sites: the last `nkw` entries of
  // `args`, named by the constant tuple `kwnames`.
  uint32_t nkw = 0;
  uint32_t kwnames = kNone;
  std::vector<uint32_t> args;
  SourceRange loc;
};

struct Block {
  std::string label;  // for printing only; unique within the function
  std::vector<Instr> instrs;
};

struct Parameter {
  std::string name;
  bool has_default = false;  // defaults are the trailing operands of MakeClosure
};

struct Function {
  std::string name;  // qualified for printing: "outer.inner", "<lambda>", "<module>"
  SourceRange loc;
  std::vector<Parameter> params;
  uint32_t num_regs = 0;
  std::vector<std::string> reg_names;  // variable name per register, "" for temporaries
  uint32_t num_captures = 0;           // cells captured by MakeClosure
  std::vector<std::string> capture_names;
  std::vector<Block> blocks;  // blocks[0] is the entry
};

struct Ellipsis {};
struct NoneConst {};
using KeywordNames = std::vector<std::string>;
using Constant =
    std::variant<NoneConst, bool, int64_t, double, std::string, Ellipsis, KeywordNames>;

struct ModuleInfo {
  std::string path;
  uint32_t init_function;  // runs the module's top-level code
};

struct Program {
  // Stable addresses: the REPL appends functions while closures point at old ones.
  std::vector<std::unique_ptr<Function>> functions;
  std::vector<Constant> constants;
  std::vector<std::string> symbols;       // attribute and method names
  std::vector<std::string> global_names;  // index = global slot
  std::vector<ModuleInfo> modules;        // modules[main_module] is the program itself
  uint32_t main_module = 0;

  uint32_t add_constant(Constant c);  // deduplicates
  uint32_t add_symbol(const std::string& s);

 private:
  std::unordered_map<std::string, uint32_t> constant_index_;  // serialized constant -> index
  std::unordered_map<std::string, uint32_t> symbol_index_;
};

}  // namespace kiln::ir
