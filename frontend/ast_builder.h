// Parse tree -> AST. Walks the contexts of an error-free KilnParser tree and
// builds kiln::ast nodes, each with the SourceRange of the text it came from.
//
// Also enforces the rules the grammar leaves open, reporting Python's
// wording: assignment targets ("cannot assign to function call"), argument
// and parameter order and duplicates, literal values ("integer literal too
// large", string escapes, f-string fields). After such an error the AST is
// still well formed (no null where a node is required) but must not be
// lowered.
//
// Left-associative operator chains (1 + 1 + ... + 1) are built iteratively,
// so a long chain costs no builder stack; every other recursion follows the
// parse tree, whose depth parse.cpp bounds.
//
// Included only by parse.cpp (it exposes ANTLR types).
#pragma once

#include <memory>

#include "KilnParser.h"
#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace kiln {

// Appends the AST of one top-level statement (a compound statement, or one
// line of simple statements) to `out`. parse.cpp builds statement by
// statement and frees each parse tree as soon as it is built, so memory
// follows the largest statement rather than the file.
void build_statement(grammar::KilnParser::StatementContext& tree, const SourceManager& sources,
                     uint32_t file_id, Diagnostics& diags, ast::Block& out);

ast::ExprPtr build_expression(grammar::KilnParser::ExpressionInputContext& tree,
                              const SourceManager& sources, uint32_t file_id, Diagnostics& diags);

}  // namespace kiln
