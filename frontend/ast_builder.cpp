// The statement half of AstBuilder (see ast_builder_internal.h), source
// positions, and the entry points of ast_builder.h.
#include "frontend/ast_builder.h"

#include <string>
#include <unordered_set>

#include "frontend/assign_targets.h"
#include "frontend/ast_builder_internal.h"
#include "frontend/literals.h"

namespace kiln {
namespace detail {

// ------------------------------------------------------------------ statements

void AstBuilder::build_statement(P::StatementContext* ctx, ast::Block& out) {
  if (rule_of(ctx->children[0]) == P::RuleCompoundStatement) {
    out.push_back(build_compound_statement(item<P::CompoundStatementContext>(ctx, 0)));
    return;
  }
  build_simple_statements(item<P::SimpleStatementsContext>(ctx, 0), out);
}

// s1; s2; ... NEWLINE: n statements make 2n children (2n + 1 with a final ';').
void AstBuilder::build_simple_statements(P::SimpleStatementsContext* ctx, ast::Block& out) {
  const size_t count = ctx->children.size() / 2;
  for (size_t i = 0; i < count; ++i) {
    out.push_back(build_simple_statement(item<P::SimpleStatementContext>(ctx, 2 * i)));
  }
}

// simpleStatements | NEWLINE INDENT statement+ DEDENT
ast::Block AstBuilder::build_block(P::BlockContext* ctx) {
  ast::Block body;
  if (ctx->children.size() == 1) {
    build_simple_statements(item<P::SimpleStatementsContext>(ctx, 0), body);
    return body;
  }
  for (size_t i = 2; i + 1 < ctx->children.size(); ++i) {
    build_statement(item<P::StatementContext>(ctx, i), body);
  }
  return body;
}

ast::StmtPtr AstBuilder::build_simple_statement(P::SimpleStatementContext* ctx) {
  auto* inner = static_cast<antlr4::ParserRuleContext*>(ctx->children[0]);
  const SourceRange where = range(inner);
  switch (inner->getRuleIndex()) {
    case P::RuleExpressionStatement:
      return build_expression_statement(static_cast<P::ExpressionStatementContext*>(inner));
    case P::RuleReturnStatement: {
      auto node = make<ast::Return>(where);
      if (auto* value = static_cast<P::ReturnStatementContext*>(inner)->exprList()) {
        node->value = build_expr_list(value);
      }
      return node;
    }
    case P::RulePassStatement:
      return make<ast::Pass>(where);
    case P::RuleBreakStatement:
      return make<ast::Break>(where);
    case P::RuleContinueStatement:
      return make<ast::Continue>(where);
    case P::RuleAssertStatement: {
      auto* assert_ctx = static_cast<P::AssertStatementContext*>(inner);
      auto node = make<ast::Assert>(where);
      node->cond = build_expr(assert_ctx->expr(0));
      if (auto* message = assert_ctx->expr(1)) node->message = build_expr(message);
      return node;
    }
    case P::RuleImportStatement: {
      auto node = make<ast::Import>(where);
      const Token* path = static_cast<P::ImportStatementContext*>(inner)->STRING()->getSymbol();
      bool is_fstring = false;
      auto parts =
          decode_string_literal(path->getText(), token_range(path), sources_, diags_, is_fstring);
      node->path = parts.empty() ? "" : parts[0].literal;
      return node;
    }
    default:
      unreachable("unknown simple statement");
  }
}

ast::StmtPtr AstBuilder::build_expression_statement(P::ExpressionStatementContext* ctx) {
  const SourceRange where = range(ctx);
  std::vector<P::ExprListContext*> lists = ctx->exprList();
  if (auto* op = ctx->augmentedAssignOp()) {
    auto node = make<ast::AugAssign>(where);
    node->target = build_expr_list(lists[0]);
    verify_augmented_target(*node->target, diags_);
    node->op = binary_op(op->getStart()->getType());
    node->value = build_expr_list(lists[1]);
    return node;
  }
  if (lists.size() == 1) {
    auto node = make<ast::ExprStmt>(where);
    node->value = build_expr_list(lists[0]);
    return node;
  }
  auto node = make<ast::Assign>(where);
  for (size_t i = 0; i + 1 < lists.size(); ++i) {
    node->targets.push_back(build_expr_list(lists[i]));
    verify_assign_target(*node->targets.back(), diags_);
  }
  node->value = build_expr_list(lists.back());
  return node;
}

ast::StmtPtr AstBuilder::build_compound_statement(P::CompoundStatementContext* ctx) {
  auto* inner = static_cast<antlr4::ParserRuleContext*>(ctx->children[0]);
  switch (inner->getRuleIndex()) {
    case P::RuleIfStatement:
      return build_if(static_cast<P::IfStatementContext*>(inner));
    case P::RuleForStatement:
      return build_for(static_cast<P::ForStatementContext*>(inner));
    case P::RuleWithStatement:
      return build_with(static_cast<P::WithStatementContext*>(inner));
    case P::RuleDefStatement:
      return build_def(static_cast<P::DefStatementContext*>(inner));
    case P::RuleWhileStatement: {
      auto* while_ctx = static_cast<P::WhileStatementContext*>(inner);
      auto node = make<ast::While>(token_range(while_ctx->getStart()));
      node->cond = build_expr(while_ctx->expr());
      node->body = build_block(while_ctx->block());
      node->range = span(node->range, node->body.back()->range);
      return node;
    }
    default:
      unreachable("unknown compound statement");
  }
}

// `elif` becomes an If nested in the previous one's orelse; every If of the
// chain ends where the whole chain ends.
ast::StmtPtr AstBuilder::build_if(P::IfStatementContext* ctx) {
  auto top = make<ast::If>(token_range(ctx->getStart()));
  top->cond = build_expr(ctx->expr());
  top->body = build_block(ctx->block());
  std::vector<ast::If*> chain{top.get()};
  for (P::ElifClauseContext* elif : ctx->elifClause()) {
    auto nested = make<ast::If>(token_range(elif->getStart()));
    nested->cond = build_expr(elif->expr());
    nested->body = build_block(elif->block());
    ast::If* next = nested.get();
    chain.back()->orelse.push_back(std::move(nested));
    chain.push_back(next);
  }
  if (auto* otherwise = ctx->elseClause()) chain.back()->orelse = build_block(otherwise->block());
  const ast::If& last = *chain.back();
  const SourceRange end = (last.orelse.empty() ? last.body : last.orelse).back()->range;
  for (ast::If* link : chain) link->range = span(link->range, end);
  return top;
}

ast::StmtPtr AstBuilder::build_for(P::ForStatementContext* ctx) {
  auto node = make<ast::For>(token_range(ctx->getStart()));
  node->target = build_target_list(ctx->targetList());
  verify_assign_target(*node->target, diags_);
  node->iter = build_expr_list(ctx->exprList());
  node->body = build_block(ctx->block());
  node->range = span(node->range, node->body.back()->range);
  return node;
}

ast::StmtPtr AstBuilder::build_with(P::WithStatementContext* ctx) {
  auto node = make<ast::With>(token_range(ctx->getStart()));
  node->context = build_expr(ctx->expr());
  if (auto* target = ctx->primary()) {
    node->target = build_primary(target);
    verify_assign_target(*node->target, diags_);
  }
  node->body = build_block(ctx->block());
  node->range = span(node->range, node->body.back()->range);
  return node;
}

ast::StmtPtr AstBuilder::build_def(P::DefStatementContext* ctx) {
  auto node = make<ast::Def>(token_range(ctx->getStart()));
  const Token* name = ctx->NAME()->getSymbol();
  node->name = name->getText();
  node->name_range = token_range(name);
  if (auto* parameters = ctx->parameters()) node->params = build_parameters(parameters);
  node->body = build_block(ctx->block());
  node->range = span(node->range, node->body.back()->range);
  return node;
}

std::vector<ast::Parameter> AstBuilder::build_parameters(P::ParametersContext* ctx) {
  std::vector<ast::Parameter> params;
  std::unordered_set<std::string> seen;
  bool seen_default = false;
  for (P::ParameterContext* p : ctx->parameter()) {
    ast::Parameter param;
    const Token* name = p->NAME()->getSymbol();
    param.name = name->getText();
    param.range = token_range(name);
    if (auto* value = p->expr()) param.default_value = build_expr(value);
    if (!seen.insert(param.name).second) {
      diags_.error(param.range, "duplicate parameter '" + param.name + "' in function definition");
    }
    if (param.default_value) {
      seen_default = true;
    } else if (seen_default) {
      diags_.error(param.range, "parameter without a default follows parameter with a default",
                   "give '" + param.name + "' a default value or move it before the defaults");
    }
    params.push_back(std::move(param));
  }
  return params;
}

// ------------------------------------------------------------------ positions

SourceRange AstBuilder::token_range(const Token* token) const {
  const auto line = static_cast<uint32_t>(token->getLine());
  const auto col = static_cast<uint32_t>(token->getCharPositionInLine() + 1);
  SourceRange r{file_, line, col, line, col};
  const size_t type = token->getType();
  if (type == P::STRING || type == P::FSTRING) {
    // Only strings span lines: count the lines and code points of their text.
    const std::string text = token->getText();
    uint32_t end_line = line;
    uint32_t end_col = col - 1;
    for (char c : text) {
      if (c == '\n') {
        ++end_line;
        end_col = 0;
      } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
        ++end_col;
      }
    }
    r.end_line = end_line;
    r.end_col = end_col;
  } else if (token->getStopIndex() > token->getStartIndex() &&
             token->getStopIndex() != static_cast<size_t>(-1)) {
    r.end_col = col + static_cast<uint32_t>(token->getStopIndex() - token->getStartIndex());
  }
  return r;
}

SourceRange AstBuilder::range(antlr4::ParserRuleContext* ctx) const {
  const SourceRange first = token_range(ctx->getStart());
  const Token* stop = ctx->getStop();
  if (stop == nullptr || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) return first;
  return span(first, token_range(stop));
}

}  // namespace detail

void build_statement(grammar::KilnParser::StatementContext& tree, const SourceManager& sources,
                     uint32_t file_id, Diagnostics& diags, ast::Block& out) {
  detail::AstBuilder(sources, file_id, diags).build_statement(&tree, out);
}

ast::ExprPtr build_expression(grammar::KilnParser::ExpressionInputContext& tree,
                              const SourceManager& sources, uint32_t file_id, Diagnostics& diags) {
  detail::AstBuilder builder(sources, file_id, diags);
  return builder.build_expr_list(tree.exprList());
}

}  // namespace kiln
