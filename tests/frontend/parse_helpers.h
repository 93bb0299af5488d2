// Shared helpers for the parser tests: parse a snippet the way the CLI does
// (on a 512 MiB stack) and render the result or the diagnostics as one string.
#pragma once

#include <memory>
#include <string>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/source.h"

namespace kiln::testing {

// The stack the CLI gives the front end; the parser must never need more.
inline constexpr size_t kFrontEndStack = size_t{512} << 20;

struct Parsed {
  SourceManager sources;
  uint32_t file = 0;
  Diagnostics diags;
  std::unique_ptr<ast::Module> module;

  // Frees the module on a large stack (a 100 000-term sum is that deep).
  ~Parsed();
};

std::unique_ptr<Parsed> parse(const std::string& text);

// The module as s-expressions (see ast_dump.h), or the diagnostics if there
// are errors.
std::string dump(const std::string& text);

// The one statement of `text`, which must parse without errors.
std::string dump_one(const std::string& text);

// Every diagnostic as "line:col: message", one per line; warnings are
// prefixed with "warning: ".
std::string diagnostics(const Diagnostics& diags);
std::string diagnostics(const Parsed& parsed);
std::string errors_of(const std::string& text);

// The first diagnostic as "line:col: message".
std::string first_error(const std::string& text);

}  // namespace kiln::testing
