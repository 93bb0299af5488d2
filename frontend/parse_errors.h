// Turns ANTLR's syntax errors into Python-style diagnostics.
//
// ANTLR reports "mismatched input 'x' expecting {...}" with token sets no user
// should read. This listener ignores ANTLR's text and looks at the offending
// token, the token before it, the parser's expected set and the lexer's
// bracket state to say what Python would: "expected ':'", "unexpected
// indent", "unclosed '(' opened at line 3", "'sample' is a reserved keyword
// and cannot be assigned", ...
//
// Reports at most one error per line (the first is the one that matters; the
// rest of a line is usually fallout) and drops known cascades. After
// Diagnostics::kMaxErrors errors it throws TooManySyntaxErrors to stop the
// parse, so a file of garbage costs no more than a few lines of it.
//
// Included only by parse.cpp. One instance per parse.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "antlr4-runtime.h"
#include "frontend/diagnostics.h"
#include "frontend/indenting_lexer.h"

namespace kiln {

struct TooManySyntaxErrors {};

class SyntaxErrorReporter : public antlr4::BaseErrorListener {
 public:
  SyntaxErrorReporter(const IndentingLexer& lexer, const antlr4::TokenStream& tokens,
                      Diagnostics& diags);

  // Records the lexer's errors not recorded yet.
  void flush_lexer_errors();
  // Adds an error that is not ANTLR's (e.g. nesting too deep).
  void add(const SourceRange& range, std::string message, std::string hint = "");
  // Reports an unclosed bracket that no parser error has explained yet.
  void finish();

  size_t error_count() const { return error_count_; }
  bool full() const;

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t col, const std::string& antlr_message, std::exception_ptr e) override;

 private:
  struct Explanation {
    bool report = false;  // false: a cascade of an error already reported
    SourceRange range;
    std::string message;
    std::string hint;

    static Explanation none() { return {}; }
    static Explanation error(const SourceRange& range, std::string message, std::string hint = "") {
      return {true, range, std::move(message), std::move(hint)};
    }
  };

  Explanation explain(antlr4::Parser& parser, const antlr4::Token& offending,
                      const antlr4::misc::IntervalSet& expected);
  Explanation explain_by_expected(antlr4::Parser& parser, const antlr4::Token& offending,
                                  const antlr4::Token* previous,
                                  const antlr4::misc::IntervalSet& expected);
  SourceRange range_of(const antlr4::Token& token) const;
  const antlr4::Token* previous_token(const antlr4::Token& token) const;
  // True if `token` is the first of a statement.
  bool starts_statement(const antlr4::Token& token) const;

  const IndentingLexer& lexer_;
  const antlr4::TokenStream& tokens_;
  Diagnostics& diags_;
  uint32_t file_id_;
  std::string end_of_input_;  // how messages name EOF
  std::set<uint32_t> lines_with_errors_;
  size_t error_count_ = 0;
  // Each reported "unexpected indent" leaves a DEDENT the parser will also
  // trip over; that second error is noise.
  int unmatched_indents_ = 0;
  // Each "expected an indented block" makes ANTLR invent an INDENT whose
  // DEDENT never comes; the error at the block's end is noise too.
  int invented_blocks_ = 0;
  size_t lexer_errors_seen_ = 0;
  bool unclosed_bracket_reported_ = false;
};

}  // namespace kiln
