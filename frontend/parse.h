// Source text -> AST. The only entry to the ANTLR-generated parser: nothing
// else in Kiln includes ANTLR headers.
#pragma once

#include <memory>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace kiln {

// Limits that keep hostile input from exhausting the stack or the clock;
// each has a diagnostic of its own when exceeded.
inline constexpr int kMaxBracketDepth = 200;      // as CPython's parser
inline constexpr int kMaxIndentDepth = 100;       // as CPython's tokenizer
inline constexpr size_t kMaxSourceBytes = 16u << 20;  // 16 MiB per file

// Parses file `file_id` of `sources` into a Module. Syntax errors (including
// indentation errors, invalid UTF-8, NUL bytes, over-deep nesting, an
// oversized file) go to `diags`; the result is then null or partial and must
// not be lowered. Never throws for bad input.
std::unique_ptr<ast::Module> parse_module(const SourceManager& sources, uint32_t file_id,
                                          Diagnostics& diags);

// Parses one expression (used for f-string replacement fields). `origin` is the
// position of the expression's first character in the file, so diagnostics
// point into the f-string.
ast::ExprPtr parse_expression(const SourceManager& sources, uint32_t file_id,
                              const std::string& text, const SourceRange& origin,
                              Diagnostics& diags);

}  // namespace kiln
