// The parse tree walker behind ast_builder.h, shared by ast_builder.cpp
// (statements, positions) and ast_builder_expr.cpp (expressions). Reads the
// tree by child position, which KilnParser.g4 fixes, rather than through the
// generated accessors: each of those is a dynamic_cast per child.
// Included only by those two files.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "KilnParser.h"
#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace kiln::detail {

using antlr4::Token;
using P = grammar::KilnParser;

template <class T>
std::unique_ptr<T> make(const SourceRange& range) {
  auto node = std::make_unique<T>();
  node->range = range;
  return node;
}

[[noreturn]] inline void unreachable(const char* what) {
  throw std::logic_error(
      std::string("internal error: AST builder: ") + what +
      "\nThis is a bug in Kiln; please report it with the program that caused it.");
}

inline ast::BinaryOp binary_op(size_t token_type) {
  switch (token_type) {
    case P::PLUS:
    case P::PLUS_ASSIGN:
      return ast::BinaryOp::kAdd;
    case P::MINUS:
    case P::MINUS_ASSIGN:
      return ast::BinaryOp::kSub;
    case P::STAR:
    case P::STAR_ASSIGN:
      return ast::BinaryOp::kMul;
    case P::SLASH:
    case P::SLASH_ASSIGN:
      return ast::BinaryOp::kDiv;
    case P::DOUBLE_SLASH:
    case P::DOUBLE_SLASH_ASSIGN:
      return ast::BinaryOp::kFloorDiv;
    case P::PERCENT:
    case P::PERCENT_ASSIGN:
      return ast::BinaryOp::kMod;
    case P::POWER:
    case P::POWER_ASSIGN:
      return ast::BinaryOp::kPow;
    case P::AT:
    case P::AT_ASSIGN:
      return ast::BinaryOp::kMatMul;
    default:
      unreachable("unknown binary operator");
  }
}

inline ast::CompareOp compare_op(P::ComparisonOpContext* ctx) {
  const bool two_words = ctx->children.size() == 2;
  switch (ctx->getStart()->getType()) {
    case P::LESS:
      return ast::CompareOp::kLt;
    case P::GREATER:
      return ast::CompareOp::kGt;
    case P::EQUAL:
      return ast::CompareOp::kEq;
    case P::GREATER_EQUAL:
      return ast::CompareOp::kGe;
    case P::LESS_EQUAL:
      return ast::CompareOp::kLe;
    case P::NOT_EQUAL:
      return ast::CompareOp::kNe;
    case P::IN:
      return ast::CompareOp::kIn;
    case P::NOT:
      return ast::CompareOp::kNotIn;
    case P::IS:
      return two_words ? ast::CompareOp::kIsNot : ast::CompareOp::kIs;
    default:
      unreachable("unknown comparison operator");
  }
}

// The expr alternatives are told apart by their children (see KilnParser.g4):
// [atom]; a prefix form [op, ...] (- + not lambda); or [expr, operator or
// trailer token, ...]. All of the last kind but '**' and `if` associate to
// the left.
inline bool is_prefix_form(P::ExprContext* ctx) {
  return ctx->op != nullptr && ctx->op == ctx->getStart();
}

inline bool is_left_associative(P::ExprContext* ctx) {
  if (ctx->children.size() < 3 || is_prefix_form(ctx)) return false;
  return !(ctx->op && (ctx->op->getType() == P::POWER || ctx->op->getType() == P::IF));
}

inline P::ExprContext* expr_child(antlr4::ParserRuleContext* ctx, size_t i) {
  return static_cast<P::ExprContext*>(ctx->children[i]);
}

// Rule contexts in lists whose items and commas alternate (a, b, c,) sit at
// even child indices; reading them by index avoids a dynamic_cast per child.
template <class Context>
Context* item(antlr4::ParserRuleContext* ctx, size_t i) {
  return static_cast<Context*>(ctx->children[i]);
}

inline size_t rule_of(antlr4::tree::ParseTree* child) {
  return static_cast<antlr4::ParserRuleContext*>(child)->getRuleIndex();
}

// The INT token of an operand that is nothing but an integer literal.
inline const Token* bare_int_token(P::ExprContext* ctx) {
  if (ctx->children.size() != 1) return nullptr;
  const Token* token = ctx->getStart();
  return token->getType() == P::INT ? token : nullptr;
}

// Builds AST nodes from the contexts of an error-free parse tree, reporting
// what the grammar leaves open (see ast_builder.h). Cheap to construct: it
// only holds references.
class AstBuilder {
 public:
  AstBuilder(const SourceManager& sources, uint32_t file_id, Diagnostics& diags)
      : sources_(sources), file_(file_id), diags_(diags) {}

  void build_statement(P::StatementContext* ctx, ast::Block& out);
  ast::ExprPtr build_expr_list(P::ExprListContext* ctx);

 private:
  // ---- statements
  void build_simple_statements(P::SimpleStatementsContext* ctx, ast::Block& out);
  ast::Block build_block(P::BlockContext* ctx);
  ast::StmtPtr build_simple_statement(P::SimpleStatementContext* ctx);
  ast::StmtPtr build_expression_statement(P::ExpressionStatementContext* ctx);
  ast::StmtPtr build_compound_statement(P::CompoundStatementContext* ctx);
  ast::StmtPtr build_if(P::IfStatementContext* ctx);
  ast::StmtPtr build_for(P::ForStatementContext* ctx);
  ast::StmtPtr build_with(P::WithStatementContext* ctx);
  ast::StmtPtr build_def(P::DefStatementContext* ctx);
  std::vector<ast::Parameter> build_parameters(P::ParametersContext* ctx);

  // ---- expressions
  ast::ExprPtr build_expr(P::ExprContext* ctx);
  ast::ExprPtr build_operand(P::ExprContext* ctx);
  ast::ExprPtr build_unary(P::ExprContext* ctx);
  ast::ExprPtr build_conditional(P::ExprContext* ctx);
  ast::ExprPtr build_lambda(P::ExprContext* ctx);
  ast::ExprPtr build_postfix(P::ExprContext* ctx, size_t type, ast::ExprPtr object);
  ast::ExprPtr build_primary(P::PrimaryContext* ctx);
  ast::ExprPtr build_call(ast::ExprPtr callee, P::ArgumentsContext* args, const SourceRange& where);
  ast::ExprPtr build_index(ast::ExprPtr object, P::SubscriptsContext* index,
                           const SourceRange& where);
  ast::ExprPtr build_attribute(ast::ExprPtr object, P::AttributeNameContext* name,
                               const SourceRange& where);
  ast::ExprPtr build_atom(P::AtomContext* ctx);
  ast::ExprPtr build_parenthesized(P::AtomContext* ctx);
  ast::ExprPtr build_list(P::AtomContext* ctx);
  ast::ExprPtr build_dict(P::AtomContext* ctx);
  ast::ExprPtr build_int(const Token* token, bool negated, const SourceRange& range);
  ast::ExprPtr build_strings(P::AtomContext* ctx);
  ast::ExprPtr build_effect(P::AtomContext* ctx);
  std::vector<ast::Argument> build_arguments(P::ArgumentsContext* ctx);
  ast::ExprPtr build_subscripts(P::SubscriptsContext* ctx);
  ast::ExprPtr build_subscript(P::SubscriptContext* ctx);
  std::vector<ast::Comprehension> build_clauses(
      const std::vector<P::ComprehensionForContext*>& clauses);
  ast::ExprPtr build_target_list(P::TargetListContext* ctx);

  // ---- checks the grammar cannot make (assignment targets: assign_targets.h)
  void verify_operand(P::ExprContext* operand, bool allow_not);

  // ---- positions
  SourceRange token_range(const Token* token) const;
  SourceRange range(antlr4::ParserRuleContext* ctx) const;
  // From the start of `first` to the end of `last`.
  static SourceRange span(const SourceRange& first, const SourceRange& last) {
    SourceRange r = first;
    r.end_line = last.end_line;
    r.end_col = last.end_col;
    return r;
  }

  const SourceManager& sources_;
  uint32_t file_;
  Diagnostics& diags_;
};

}  // namespace kiln::detail
