#include "ir/ir.h"

namespace kiln::ir {

const char* op_name(Op op) {
  static const char* const names[] = {
#define INSTR(name, operands, meaning) #name,
#include "ir/instructions.def"
#undef INSTR
  };
  return names[static_cast<int>(op)];
}

bool is_terminator(Op op) {
  return op == Op::Jump || op == Op::Branch || op == Op::ForIter || op == Op::Return || op == Op::AssertFail;
}

namespace {

// A key that tells 1, 1.0 and True apart (they compare equal in Python).
std::string constant_key(const Constant& c) {
  std::string key(1, static_cast<char>('0' + c.index()));
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, int64_t> || std::is_same_v<T, double>) {
          key.append(reinterpret_cast<const char*>(&v), sizeof v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          key += v;
        } else if constexpr (std::is_same_v<T, KeywordNames>) {
          for (const std::string& n : v) key += n + ',';
        }
      },
      c);
  return key;
}

}  // namespace

uint32_t Program::add_constant(Constant c) {
  auto [it, inserted] = constant_index_.emplace(constant_key(c), static_cast<uint32_t>(constants.size()));
  if (inserted) constants.push_back(std::move(c));
  return it->second;
}

uint32_t Program::add_symbol(const std::string& s) {
  auto [it, inserted] = symbol_index_.emplace(s, static_cast<uint32_t>(symbols.size()));
  if (inserted) symbols.push_back(s);
  return it->second;
}

}  // namespace kiln::ir
