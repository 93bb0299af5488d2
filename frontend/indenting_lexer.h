// Kiln's token source: the ANTLR-generated KilnLexer plus Python's layout rules.
//
// On top of the raw tokens it
//   - drops line breaks inside brackets and on blank or comment-only lines,
//     and emits NEWLINE at the end of every other logical line;
//   - compares each logical line's indentation with the enclosing blocks and
//     emits INDENT / DEDENT (tabs advance to the next multiple of 8; a line
//     whose indentation compares differently with tabs counted as 1 column is
//     "inconsistent use of tabs and spaces", as in Python 3);
//   - reports lexical errors (bad characters, unterminated strings,
//     unmatched brackets, bad dedents) as Diagnostics instead of throwing, and
//     keeps going so the parser can report further errors.
// Exceeding kMaxBracketDepth or kMaxIndentDepth (parse.h) is fatal: the
// lexer reports it, ends the token stream, and aborted() turns true so the
// caller never hands the truncated stream to the recursive-descent parser.
// So is reaching Diagnostics::kMaxErrors lines with errors.
//
// Included only by parse.cpp (it exposes ANTLR types). Not thread-safe; one
// instance per parse.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "KilnLexer.h"
#include "frontend/diagnostics.h"

namespace kiln {

// A bracket the lexer saw opened and not yet closed.
struct OpenBracket {
  char symbol = '(';  // '(', '[' or '{'
  uint32_t line = 0;
  uint32_t col = 0;  // 1-based, code points
};

class IndentingLexer : public grammar::KilnLexer {
 public:
  enum class Mode {
    kModule,      // a whole file: NEWLINE, INDENT and DEDENT are produced
    kExpression,  // one expression (an f-string field): line breaks are ignored
  };

  // `file_id` goes into every diagnostic's SourceRange.
  IndentingLexer(antlr4::CharStream* input, uint32_t file_id, Mode mode);

  std::unique_ptr<antlr4::Token> nextToken() override;

  uint32_t file_id() const { return file_id_; }
  Mode mode() const { return mode_; }
  const std::vector<Diagnostic>& errors() const { return errors_; }
  bool aborted() const { return aborted_; }
  // The outermost bracket left open at the end of input, once EOF was produced.
  const std::optional<OpenBracket>& unclosed_bracket() const { return unclosed_; }
  // How many brackets enclosed the token with this stream index (the order in
  // which nextToken() returned it), for error messages that depend on it.
  uint32_t bracket_depth_at(size_t token_index) const {
    return token_index < depth_by_token_.size() ? depth_by_token_[token_index] : 0;
  }

 private:
  // A block's indentation measured two ways (see the comment at the top).
  struct Indent {
    uint32_t col = 0;          // tabs to the next multiple of 8
    uint32_t tabs_as_one = 0;  // tabs count 1
  };

  void produce();
  void finish_input(std::unique_ptr<antlr4::Token> eof);
  void indent_line(const antlr4::Token& first);
  Indent measure_indentation(const antlr4::Token& first);
  void dedent_to(const Indent& indent, const antlr4::Token& first);
  // Returns false if the token must not reach the parser.
  bool track_bracket(const antlr4::Token& token);
  void report_bad_character(const antlr4::Token& token);
  void report_unterminated_string(antlr4::Token& token);

  void queue(std::unique_ptr<antlr4::Token> token);
  void queue_synthetic(size_t type, const char* text, const antlr4::Token& at);
  void error(const antlr4::Token& at, std::string message, std::string hint = "");
  void stop_with_error(const antlr4::Token& at, std::string message, std::string hint);

  uint32_t file_id_;
  Mode mode_;
  std::deque<std::unique_ptr<antlr4::Token>> pending_;
  std::deque<uint32_t> pending_depths_;
  std::vector<uint32_t> depth_by_token_;
  std::vector<Indent> indents_{Indent{}};
  std::vector<OpenBracket> brackets_;
  std::optional<OpenBracket> unclosed_;
  // No token of the current logical line has been queued yet.
  bool at_line_start_ = true;
  bool aborted_ = false;
  size_t lines_with_errors_ = 0;
  bool finished_ = false;
  std::vector<Diagnostic> errors_;
};

}  // namespace kiln
