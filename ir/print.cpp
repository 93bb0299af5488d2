#include "ir/print.h"

#include <cstdio>
#include <sstream>
#include <unordered_map>

#include "frontend/builtins.h"
#include "ir/operands.h"

namespace kiln::ir {

namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string print_constant(const Constant& c) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, NoneConst>) return "None";
        if constexpr (std::is_same_v<T, bool>) return v ? "True" : "False";
        if constexpr (std::is_same_v<T, int64_t>) return std::to_string(v);
        if constexpr (std::is_same_v<T, double>) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.17g", v);
          std::string s = buf;
          if (s.find_first_of(".einn") == std::string::npos) s += ".0";
          return s;
        }
        if constexpr (std::is_same_v<T, std::string>) return quote(v);
        if constexpr (std::is_same_v<T, Ellipsis>) return "...";
        if constexpr (std::is_same_v<T, KeywordNames>) {
          std::string s = "(";
          for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
          return s + ")";
        }
      },
      c);
}

class FunctionPrinter {
 public:
  FunctionPrinter(std::ostream& out, const Program& p, const Function& f) : out_(out), p_(p), f_(f) {
    std::unordered_map<std::string, int> seen;
    for (uint32_t r = 0; r < f.num_regs; ++r) {
      const std::string& n = f.reg_names[r];
      if (n.empty()) {
        names_.push_back("%t" + std::to_string(r));
      } else if (seen[n]++ == 0) {
        names_.push_back("%" + n);
      } else {
        names_.push_back("%" + n + "." + std::to_string(r));
      }
    }
  }

  void print() {
    out_ << "function " << f_.name << "(";
    for (size_t i = 0; i < f_.params.size(); ++i) {
      out_ << (i ? ", " : "") << names_[i] << (f_.params[i].has_default ? "=?" : "");
    }
    out_ << ")";
    if (f_.num_captures) {
      out_ << " captures(";
      for (size_t i = 0; i < f_.capture_names.size(); ++i) out_ << (i ? ", " : "") << "^" << f_.capture_names[i];
      out_ << ")";
    }
    out_ << " regs=" << f_.num_regs << "\n";
    uint32_t line = 0;
    for (const Block& b : f_.blocks) {
      out_ << b.label << ":\n";
      for (const Instr& i : b.instrs) {
        std::string text = instr(i);
        out_ << "  " << text;
        if (i.loc.line != line) {
          line = i.loc.line;
          if (text.size() < 50) out_ << std::string(50 - text.size(), ' ');
          out_ << "  ; line " << line;
        }
        out_ << "\n";
      }
    }
  }

 private:
  std::string reg(uint32_t r) const { return r == kNone ? "_" : r < names_.size() ? names_[r] : "%?" + std::to_string(r); }
  std::string block(uint32_t b) const { return b < f_.blocks.size() ? f_.blocks[b].label : "?"; }

  std::string field(Field role, uint32_t v) const {
    switch (role) {
      case Field::kReg:
      case Field::kOptReg: return reg(v);
      case Field::kConst:
      case Field::kOptConst: return v == kNone ? "_" : print_constant(p_.constants[v]);
      case Field::kGlobal: return "@" + p_.global_names[v];
      case Field::kBuiltin: return "$" + std::string(builtin_table()[v].name);
      case Field::kFree: return "^" + f_.capture_names[v];
      case Field::kBlock: return block(v);
      case Field::kFunction: return "fn:" + p_.functions[v]->name;
      case Field::kSymbol: return "." + p_.symbols[v];
      case Field::kModule: return quote(p_.modules[v].path);
      case Field::kCount: return std::to_string(v == kNone ? 0 : v);
      case Field::kUnused: return "";
    }
    return "";
  }

  std::string instr(const Instr& i) const {
    OperandRoles r = operand_roles(i.op);
    std::ostringstream s;
    if (r.has_dst) s << reg(i.dst) << " = ";
    if (r.args == ArgsRole::kWrite) {
      for (size_t k = 0; k < i.args.size(); ++k) s << (k ? ", " : "") << reg(i.args[k]);
      s << " = ";
    }
    std::string name = op_name(i.op);
    // snake_case op names read better in listings: CallBuiltin -> call_builtin.
    std::string lower;
    for (size_t k = 0; k < name.size(); ++k) {
      if (k && std::isupper(static_cast<unsigned char>(name[k]))) lower += '_';
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(name[k])));
    }
    s << lower;
    std::vector<std::string> ops;
    for (auto [role, v] : {std::pair{r.a, i.a}, {r.b, i.b}, {r.c, i.c}}) {
      if (role == Field::kUnused) continue;
      if (role == Field::kCount) {
        if (i.op == Op::LoadFree && v == 1) ops.push_back("cell");
        continue;  // MakeClosure's capture count shows in its operand list
      }
      ops.push_back(field(role, v));
    }
    if (i.op == Op::MakeClosure) {
      std::string captures = "captures(", defaults = "defaults(";
      for (size_t k = 0; k < i.args.size(); ++k) {
        std::string& list = k < i.b ? captures : defaults;
        if (list.back() != '(') list += ", ";
        list += reg(i.args[k]);
      }
      if (i.b) ops.push_back(captures + ")");
      if (i.args.size() > i.b) ops.push_back(defaults + ")");
    } else if (r.args == ArgsRole::kRead) {
      size_t npos = i.args.size() - i.nkw;
      const KeywordNames* kw =
          i.nkw ? &std::get<KeywordNames>(p_.constants[i.kwnames]) : nullptr;
      for (size_t k = 0; k < i.args.size(); ++k) {
        ops.push_back(k < npos ? reg(i.args[k]) : (*kw)[k - npos] + "=" + reg(i.args[k]));
      }
    }
    for (size_t k = 0; k < ops.size(); ++k) s << (k ? ", " : " ") << ops[k];
    return s.str();
  }

  std::ostream& out_;
  const Program& p_;
  const Function& f_;
  std::vector<std::string> names_;
};

}  // namespace

void print_function(std::ostream& out, const Program& program, uint32_t index) {
  FunctionPrinter(out, program, *program.functions.at(index)).print();
}

void print_program(std::ostream& out, const Program& program, uint32_t first_function) {
  for (uint32_t f = first_function; f < program.functions.size(); ++f) {
    print_function(out, program, f);
    out << "\n";
  }
}

}  // namespace kiln::ir
