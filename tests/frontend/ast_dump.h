// A compact s-expression rendering of the AST, so parser tests can state the
// expected tree in one line: dump_expr of `-2**2` is "(neg (** 2 2))".
#pragma once

#include <string>

#include "frontend/ast.h"

namespace kiln::testing {

std::string dump_expr(const ast::Expr& e);
std::string dump_stmt(const ast::Stmt& s);
// Statements separated by "; ".
std::string dump_block(const ast::Block& block);

}  // namespace kiln::testing
