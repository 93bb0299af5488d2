#include "ast_dump.h"

#include <sstream>

namespace kiln::testing {

namespace {

const char* binary_symbol(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::kAdd:
      return "+";
    case ast::BinaryOp::kSub:
      return "-";
    case ast::BinaryOp::kMul:
      return "*";
    case ast::BinaryOp::kDiv:
      return "/";
    case ast::BinaryOp::kFloorDiv:
      return "//";
    case ast::BinaryOp::kMod:
      return "%";
    case ast::BinaryOp::kPow:
      return "**";
    case ast::BinaryOp::kMatMul:
      return "@";
  }
  return "?";
}

const char* compare_symbol(ast::CompareOp op) {
  switch (op) {
    case ast::CompareOp::kEq:
      return "==";
    case ast::CompareOp::kNe:
      return "!=";
    case ast::CompareOp::kLt:
      return "<";
    case ast::CompareOp::kLe:
      return "<=";
    case ast::CompareOp::kGt:
      return ">";
    case ast::CompareOp::kGe:
      return ">=";
    case ast::CompareOp::kIn:
      return "in";
    case ast::CompareOp::kNotIn:
      return "not-in";
    case ast::CompareOp::kIs:
      return "is";
    case ast::CompareOp::kIsNot:
      return "is-not";
  }
  return "?";
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string maybe(const ast::ExprPtr& e) { return e ? dump_expr(*e) : "_"; }

std::string dump_args(const std::vector<ast::Argument>& args) {
  std::string out;
  for (const auto& a : args) {
    out += ' ';
    if (!a.keyword.empty()) out += a.keyword + "=";
    out += dump_expr(*a.value);
  }
  return out;
}

std::string dump_params(const std::vector<ast::Parameter>& params) {
  std::string out = "(";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out += ' ';
    out += params[i].name;
    if (params[i].default_value) out += "=" + dump_expr(*params[i].default_value);
  }
  return out + ")";
}

std::string dump_list(const char* head, const std::vector<ast::ExprPtr>& items) {
  std::string out = std::string("(") + head;
  for (const auto& e : items) out += " " + dump_expr(*e);
  return out + ")";
}

std::string dump_clauses(const std::vector<ast::Comprehension>& clauses) {
  std::string out;
  for (const auto& c : clauses) {
    out += " (for " + dump_expr(*c.target) + " " + dump_expr(*c.iter);
    for (const auto& cond : c.conditions) out += " (if " + dump_expr(*cond) + ")";
    out += ")";
  }
  return out;
}

std::string dump_body(const ast::Block& block) { return "(" + dump_block(block) + ")"; }

}  // namespace

std::string dump_expr(const ast::Expr& e) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::kName:
      return e.as<ast::Name>().id;
    case K::kInt:
      return std::to_string(e.as<ast::IntLit>().value);
    case K::kFloat: {
      std::ostringstream out;
      out << e.as<ast::FloatLit>().value;
      return out.str() + "f";
    }
    case K::kStr:
      return quoted(e.as<ast::StrLit>().value);
    case K::kBool:
      return e.as<ast::BoolLit>().value ? "True" : "False";
    case K::kNone:
      return "None";
    case K::kEllipsis:
      return "...";
    case K::kFString: {
      std::string out = "(f";
      for (const auto& p : e.as<ast::FString>().parts) {
        if (p.expr) {
          out +=
              " {" + dump_expr(*p.expr) + (p.format_spec.empty() ? "" : ":" + p.format_spec) + "}";
        } else {
          out += " " + quoted(p.literal);
        }
      }
      return out + ")";
    }
    case K::kUnary: {
      const auto& u = e.as<ast::Unary>();
      const char* op = u.op == ast::UnaryOp::kNeg   ? "neg"
                       : u.op == ast::UnaryOp::kPos ? "pos"
                                                    : "not";
      return std::string("(") + op + " " + dump_expr(*u.operand) + ")";
    }
    case K::kBinary: {
      const auto& b = e.as<ast::Binary>();
      return std::string("(") + binary_symbol(b.op) + " " + dump_expr(*b.lhs) + " " +
             dump_expr(*b.rhs) + ")";
    }
    case K::kBoolOp: {
      const auto& b = e.as<ast::BoolOp>();
      return std::string("(") + (b.op == ast::BoolOpKind::kAnd ? "and" : "or") + " " +
             dump_expr(*b.lhs) + " " + dump_expr(*b.rhs) + ")";
    }
    case K::kCompare: {
      const auto& c = e.as<ast::Compare>();
      std::string out = "(cmp " + dump_expr(*c.operands[0]);
      for (size_t i = 0; i < c.ops.size(); ++i) {
        out += std::string(" ") + compare_symbol(c.ops[i]) + " " + dump_expr(*c.operands[i + 1]);
      }
      return out + ")";
    }
    case K::kIfExp: {
      const auto& i = e.as<ast::IfExp>();
      return "(if " + dump_expr(*i.cond) + " " + dump_expr(*i.then_value) + " " +
             dump_expr(*i.else_value) + ")";
    }
    case K::kCall: {
      const auto& c = e.as<ast::Call>();
      return "(call " + dump_expr(*c.callee) + dump_args(c.args) + ")";
    }
    case K::kAttribute: {
      const auto& a = e.as<ast::Attribute>();
      return "(. " + dump_expr(*a.object) + " " + a.name + ")";
    }
    case K::kSubscript: {
      const auto& s = e.as<ast::Subscript>();
      return "([] " + dump_expr(*s.object) + " " + dump_expr(*s.index) + ")";
    }
    case K::kSlice: {
      const auto& s = e.as<ast::Slice>();
      return "(slice " + maybe(s.lower) + " " + maybe(s.upper) + " " + maybe(s.step) + ")";
    }
    case K::kList:
      return dump_list("list", e.as<ast::ListExpr>().elements);
    case K::kTuple:
      return dump_list("tuple", e.as<ast::TupleExpr>().elements);
    case K::kDict: {
      const auto& d = e.as<ast::DictExpr>();
      std::string out = "(dict";
      for (size_t i = 0; i < d.keys.size(); ++i)
        out += " " + dump_expr(*d.keys[i]) + ":" + dump_expr(*d.values[i]);
      return out + ")";
    }
    case K::kLambda: {
      const auto& l = e.as<ast::Lambda>();
      return "(lambda " + dump_params(l.params) + " " + dump_expr(*l.body) + ")";
    }
    case K::kListComp: {
      const auto& c = e.as<ast::ListComp>();
      return "(listcomp " + dump_expr(*c.element) + dump_clauses(c.clauses) + ")";
    }
    case K::kDictComp: {
      const auto& c = e.as<ast::DictComp>();
      return "(dictcomp " + dump_expr(*c.key) + ":" + dump_expr(*c.value) +
             dump_clauses(c.clauses) + ")";
    }
    case K::kSample:
      return "(sample" + dump_args(e.as<ast::Sample>().args) + ")";
    case K::kParam:
      return "(param" + dump_args(e.as<ast::Param>().args) + ")";
    case K::kObserve:
      return "(observe" + dump_args(e.as<ast::Observe>().args) + ")";
    case K::kPlate:
      return "(plate" + dump_args(e.as<ast::Plate>().args) + ")";
  }
  return "?";
}

std::string dump_stmt(const ast::Stmt& s) {
  using K = ast::StmtKind;
  switch (s.kind) {
    case K::kExpr:
      return dump_expr(*s.as<ast::ExprStmt>().value);
    case K::kAssign: {
      const auto& a = s.as<ast::Assign>();
      std::string out = "(=";
      for (const auto& t : a.targets) out += " " + dump_expr(*t);
      return out + " " + dump_expr(*a.value) + ")";
    }
    case K::kAugAssign: {
      const auto& a = s.as<ast::AugAssign>();
      return std::string("(") + binary_symbol(a.op) + "= " + dump_expr(*a.target) + " " +
             dump_expr(*a.value) + ")";
    }
    case K::kIf: {
      const auto& i = s.as<ast::If>();
      std::string out = "(if " + dump_expr(*i.cond) + " " + dump_body(i.body);
      if (!i.orelse.empty()) out += " else " + dump_body(i.orelse);
      return out + ")";
    }
    case K::kFor: {
      const auto& f = s.as<ast::For>();
      return "(for " + dump_expr(*f.target) + " " + dump_expr(*f.iter) + " " + dump_body(f.body) +
             ")";
    }
    case K::kWhile: {
      const auto& w = s.as<ast::While>();
      return "(while " + dump_expr(*w.cond) + " " + dump_body(w.body) + ")";
    }
    case K::kBreak:
      return "break";
    case K::kContinue:
      return "continue";
    case K::kReturn:
      return "(return " + maybe(s.as<ast::Return>().value) + ")";
    case K::kPass:
      return "pass";
    case K::kDef: {
      const auto& d = s.as<ast::Def>();
      return "(def " + d.name + " " + dump_params(d.params) + " " + dump_body(d.body) + ")";
    }
    case K::kWith: {
      const auto& w = s.as<ast::With>();
      return "(with " + dump_expr(*w.context) + " " + maybe(w.target) + " " + dump_body(w.body) +
             ")";
    }
    case K::kAssert: {
      const auto& a = s.as<ast::Assert>();
      return "(assert " + dump_expr(*a.cond) + " " + maybe(a.message) + ")";
    }
    case K::kImport:
      return "(import " + quoted(s.as<ast::Import>().path) + ")";
  }
  return "?";
}

std::string dump_block(const ast::Block& block) {
  std::string out;
  for (size_t i = 0; i < block.size(); ++i) {
    if (i) out += "; ";
    out += dump_stmt(*block[i]);
  }
  return out;
}

}  // namespace kiln::testing
