#include "frontend/parse_errors.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "KilnParser.h"

namespace kiln {

namespace {

using antlr4::Token;
using antlr4::misc::IntervalSet;
using P = grammar::KilnParser;

// An expected-token list longer than this is noise, not help.
constexpr size_t kMaxExpectedToShow = 3;
// Offending text is quoted up to this many code points.
constexpr size_t kMaxQuotedCodePoints = 20;

bool is_effect_keyword(size_t type) {
  return type == P::SAMPLE || type == P::PARAM || type == P::OBSERVE || type == P::PLATE;
}

// Reserved words that cannot even start an assignment target (True, False and
// None can; the AST builder explains why they cannot be assigned).
bool is_keyword(size_t type) {
  switch (type) {
    case P::DEF:
    case P::RETURN:
    case P::IF:
    case P::ELIF:
    case P::ELSE:
    case P::FOR:
    case P::IN:
    case P::WHILE:
    case P::BREAK:
    case P::CONTINUE:
    case P::PASS:
    case P::WITH:
    case P::AS:
    case P::ASSERT:
    case P::IMPORT:
    case P::LAMBDA:
    case P::AND:
    case P::OR:
    case P::NOT:
    case P::IS:
      return true;
    default:
      return is_effect_keyword(type);
  }
}

bool is_assignment_operator(size_t type) {
  switch (type) {
    case P::ASSIGN:
    case P::PLUS_ASSIGN:
    case P::MINUS_ASSIGN:
    case P::STAR_ASSIGN:
    case P::SLASH_ASSIGN:
    case P::DOUBLE_SLASH_ASSIGN:
    case P::PERCENT_ASSIGN:
    case P::POWER_ASSIGN:
    case P::AT_ASSIGN:
      return true;
    default:
      return false;
  }
}

bool starts_expression(size_t type) {
  switch (type) {
    case P::NAME:
    case P::INT:
    case P::FLOAT:
    case P::STRING:
    case P::FSTRING:
    case P::TRUE:
    case P::FALSE:
    case P::NONE:
    case P::LPAREN:
    case P::LBRACK:
    case P::LBRACE:
    case P::ELLIPSIS:
    case P::SAMPLE:
    case P::PARAM:
    case P::OBSERVE:
    case P::PLATE:
    case P::LAMBDA:
      return true;
    default:
      return false;
  }
}

bool ends_expression(size_t type) {
  switch (type) {
    case P::NAME:
    case P::INT:
    case P::FLOAT:
    case P::STRING:
    case P::FSTRING:
    case P::TRUE:
    case P::FALSE:
    case P::NONE:
    case P::RPAREN:
    case P::RBRACK:
    case P::RBRACE:
    case P::ELLIPSIS:
      return true;
    default:
      return false;
  }
}

bool ends_line(size_t type) {
  return type == P::NEWLINE || type == Token::EOF || type == P::DEDENT;
}

bool contains(const IntervalSet& set, size_t type) {
  return set.contains(type == Token::EOF ? static_cast<ssize_t>(-1) : static_cast<ssize_t>(type));
}

// The parser wants an expression here (a name alone could also be a
// parameter or attribute name; a number cannot).
bool expects_expression(const IntervalSet& expected) {
  return contains(expected, P::INT) && contains(expected, P::NAME);
}

std::string quote_text(const std::string& text) {
  size_t end = 0;
  size_t code_points = 0;
  while (end < text.size() && code_points < kMaxQuotedCodePoints) {
    ++end;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    ++code_points;
  }
  return "'" + text.substr(0, end) + (end < text.size() ? "...'" : "'");
}

// How "unexpected ..." names the token the parser stopped at.
std::string describe_offending(const Token& token, const std::string& end_of_input) {
  switch (token.getType()) {
    case Token::EOF:
      return end_of_input;
    case P::NEWLINE:
      return "end of line";
    case P::INDENT:
      return "indent";
    case P::DEDENT:
      return "end of block";
    case P::STRING:
      return "string literal";
    case P::FSTRING:
      return "f-string";
    default:
      return quote_text(token.getText());
  }
}

// How "expected ..." names a token type.
std::string describe_expected(ssize_t type, const antlr4::dfa::Vocabulary& vocabulary,
                              const std::string& end_of_input) {
  switch (type) {
    case -1:
      return end_of_input;
    case P::NEWLINE:
      return "end of line";
    case P::INDENT:
      return "an indented block";
    case P::DEDENT:
      return "end of block";
    case P::NAME:
      return "a name";
    case P::INT:
    case P::FLOAT:
      return "a number";
    case P::STRING:
      return "a string";
    case P::FSTRING:
      return "an f-string";
    default:
      return vocabulary.getLiteralName(static_cast<size_t>(type));
  }
}

// "':'", "':' or ','", "one of ':', ',' or ')'"; empty when the set is too
// large (or unknown) to be worth listing.
std::string expected_list(const IntervalSet& expected, const antlr4::dfa::Vocabulary& vocabulary,
                          const std::string& end_of_input) {
  std::vector<std::string> names;
  const bool has_name = contains(expected, P::NAME);
  for (ssize_t type : expected.toList()) {
    // Effect keywords may follow '.', but "a name" says it better.
    if (has_name && type > 0 && is_effect_keyword(static_cast<size_t>(type))) continue;
    std::string name = describe_expected(type, vocabulary, end_of_input);
    if (name.empty()) return "";
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (names.empty() || names.size() > kMaxExpectedToShow) return "";
  if (names.size() == 1) return names[0];
  std::string list = names.size() > 2 ? "one of " : "";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += i + 1 == names.size() ? " or " : ", ";
    list += names[i];
  }
  return list;
}

// ANTLR's exception (if any) knows the expected set at the failure point;
// otherwise the parser's current state does. A no-viable-alternative error
// found deeper than the next token has no meaningful expected set.
IntervalSet expected_tokens(antlr4::Parser& parser, const Token& offending, std::exception_ptr e) {
  if (e) {
    try {
      std::rethrow_exception(e);
    } catch (const antlr4::NoViableAltException&) {
      const Token* current = parser.getCurrentToken();
      if (current && current->getTokenIndex() != offending.getTokenIndex()) return {};
    } catch (const antlr4::RecognitionException& re) {
      return re.getExpectedTokens();
    } catch (...) {
      return {};
    }
  }
  return parser.getExpectedTokens();
}

// " after 'if' statement on line 3", naming the header whose block is missing.
std::string missing_block_context(antlr4::Parser& parser) {
  antlr4::ParserRuleContext* ctx = parser.getContext();
  while (ctx && ctx->getRuleIndex() != P::RuleBlock) {
    ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent);
  }
  if (!ctx || !ctx->parent) return "";
  auto* header = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent);
  if (!header || !header->getStart()) return "";
  const std::string line = " on line " + std::to_string(header->getStart()->getLine());
  switch (header->getRuleIndex()) {
    case P::RuleIfStatement:
      return " after 'if' statement" + line;
    case P::RuleElifClause:
      return " after 'elif' statement" + line;
    case P::RuleElseClause:
      return " after 'else' statement" + line;
    case P::RuleWhileStatement:
      return " after 'while' statement" + line;
    case P::RuleForStatement:
      return " after 'for' statement" + line;
    case P::RuleWithStatement:
      return " after 'with' statement" + line;
    case P::RuleDefStatement:
      return " after function definition" + line;
    default:
      return "";
  }
}

// Python statements Kiln leaves out. They lex as names, so the parser fails
// on the token after them; the message should name the statement instead.
const char* missing_python_statement_hint(const std::string& word) {
  static const std::pair<const char*, const char*> kStatements[] = {
      {"class", "use functions and dicts"},
      {"try", "a failing operation stops the program; check inputs with assert or if"},
      {"except", "a failing operation stops the program; check inputs with assert or if"},
      {"finally", ""},
      {"raise", "use assert condition, \"message\""},
      {"del", "assign the name another value instead"},
      {"global", "a function reads global names; return a value instead of assigning one"},
      {"nonlocal", "return the new value instead of assigning an outer name"},
      {"yield", "build and return a list"},
      {"from", "Kiln imports whole files: import \"other.ppl\""},
      {"async", ""},
      {"await", ""},
  };
  for (const auto& [name, hint] : kStatements) {
    if (word == name) return hint;
  }
  return nullptr;
}

std::string effect_keyword_hint(const std::string& keyword) {
  if (keyword == "sample")
    return "write sample(\"name\", distribution) or sample(\"name\", distribution, obs=value)";
  if (keyword == "param") return "write param(\"name\", initial_value)";
  if (keyword == "observe") return "write observe(\"name\", distribution, value)";
  return "write `with plate(\"name\", size) as i:` or `for i in plate(\"name\", size):`";
}

}  // namespace

SyntaxErrorReporter::SyntaxErrorReporter(const IndentingLexer& lexer,
                                         const antlr4::TokenStream& tokens, Diagnostics& diags)
    : lexer_(lexer),
      tokens_(tokens),
      diags_(diags),
      file_id_(lexer.file_id()),
      end_of_input_(lexer.mode() == IndentingLexer::Mode::kExpression ? "end of the expression"
                                                                      : "end of file") {}

bool SyntaxErrorReporter::full() const { return diags_.error_count() >= Diagnostics::kMaxErrors; }

void SyntaxErrorReporter::flush_lexer_errors() {
  const std::vector<Diagnostic>& errors = lexer_.errors();
  for (; lexer_errors_seen_ < errors.size(); ++lexer_errors_seen_) {
    const Diagnostic& d = errors[lexer_errors_seen_];
    add(d.range, d.message, d.hint);
  }
}

void SyntaxErrorReporter::add(const SourceRange& range, std::string message, std::string hint) {
  if (!lines_with_errors_.insert(range.line).second) return;
  ++error_count_;
  diags_.error(range, std::move(message), std::move(hint));
}

void SyntaxErrorReporter::finish() {
  const auto& open = lexer_.unclosed_bracket();
  if (!open || unclosed_bracket_reported_) return;
  add(SourceRange{file_id_, open->line, open->col, open->line, open->col},
      std::string("'") + open->symbol + "' was never closed");
}

void SyntaxErrorReporter::syntaxError(antlr4::Recognizer* recognizer, Token* offending,
                                      size_t /*line*/, size_t /*col*/,
                                      const std::string& /*antlr_message*/, std::exception_ptr e) {
  auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
  if (!parser || !offending) return;  // the lexer never reports: ERROR_CHAR catches all
  const IntervalSet expected = expected_tokens(*parser, *offending, e);
  Explanation explanation = explain(*parser, *offending, expected);
  if (explanation.report) {
    add(explanation.range, std::move(explanation.message), std::move(explanation.hint));
  }
  if (full()) throw TooManySyntaxErrors{};
}

SyntaxErrorReporter::Explanation SyntaxErrorReporter::explain(antlr4::Parser& parser,
                                                              const Token& offending,
                                                              const IntervalSet& expected) {
  const size_t type = offending.getType();
  const Token* previous = previous_token(offending);
  const SourceRange here = range_of(offending);

  // Everything after an unclosed bracket is part of it: explain once, at the
  // bracket if the parser ran to the end of the file.
  if (unclosed_bracket_reported_) return Explanation::none();
  if (const auto& open = lexer_.unclosed_bracket();
      open && (type == Token::EOF || here.line > open->line)) {
    unclosed_bracket_reported_ = true;
    const std::string symbol(1, open->symbol);
    const std::string hint = std::string("close it with '") +
                             (open->symbol == '('   ? ')'
                              : open->symbol == '[' ? ']'
                                                    : '}') +
                             "'";
    if (type == Token::EOF) {
      return Explanation::error(SourceRange{file_id_, open->line, open->col, open->line, open->col},
                                "'" + symbol + "' was never closed", hint);
    }
    return Explanation::error(
        here, "unclosed '" + symbol + "' opened at line " + std::to_string(open->line), hint);
  }
  if (type == P::DEDENT && unmatched_indents_ > 0) {
    --unmatched_indents_;
    return Explanation::none();
  }
  // A block the parser had to invent also lacks its end.
  if (invented_blocks_ > 0 &&
      (type == P::DEDENT || type == Token::EOF || contains(expected, P::DEDENT))) {
    --invented_blocks_;
    return Explanation::none();
  }
  if (previous && previous->getType() == P::NAME && starts_statement(*previous)) {
    if (const char* hint = missing_python_statement_hint(previous->getText())) {
      return Explanation::error(range_of(*previous),
                                "Kiln has no '" + previous->getText() + "' statement", hint);
    }
  }
  if (type == P::INDENT) {
    ++unmatched_indents_;
    // After a broken header line, its block's indent is no news.
    if (previous && lines_with_errors_.count(static_cast<uint32_t>(previous->getLine()))) {
      return Explanation::none();
    }
    return Explanation::error(here, "unexpected indent",
                              "only the lines of a block are indented, after a line ending in ':'");
  }
  if (contains(expected, P::INDENT)) {
    ++invented_blocks_;
    return Explanation::error(here, "expected an indented block" + missing_block_context(parser));
  }
  if (previous && is_keyword(previous->getType()) && is_assignment_operator(type)) {
    return Explanation::error(
        range_of(*previous),
        "'" + previous->getText() + "' is a reserved keyword and cannot be assigned",
        "choose another variable name");
  }
  if (previous && is_effect_keyword(previous->getType()) && type != P::LPAREN) {
    return Explanation::error(
        range_of(*previous),
        "'" + previous->getText() + "' is a reserved keyword and cannot be used as a name",
        effect_keyword_hint(previous->getText()));
  }
  if (is_keyword(type) && contains(expected, P::NAME) && !contains(expected, P::INT)) {
    return Explanation::error(
        here, "'" + offending.getText() + "' is a reserved keyword and cannot be used as a name",
        "choose another name");
  }
  return explain_by_expected(parser, offending, previous, expected);
}

SyntaxErrorReporter::Explanation SyntaxErrorReporter::explain_by_expected(
    antlr4::Parser& parser, const Token& offending, const Token* previous,
    const IntervalSet& expected) {
  const size_t type = offending.getType();
  const SourceRange here = range_of(offending);
  if (contains(expected, P::COLON) && ends_line(type))
    return Explanation::error(here, "expected ':'");
  if (type == P::ASSIGN && (contains(expected, P::COLON) || contains(expected, P::EQUAL))) {
    return Explanation::error(here, "unexpected '='", "use '==' to compare values");
  }
  if (previous && previous->getType() == P::IMPORT) {
    return Explanation::error(here, "expected a file name string after 'import'",
                              "Kiln imports files: import \"other.ppl\"");
  }
  if (ends_line(type) && expects_expression(expected)) {
    return Explanation::error(here, "expected an expression");
  }
  if (type == P::FOR && previous && lexer_.bracket_depth_at(offending.getTokenIndex()) > 0) {
    return Explanation::error(
        here, "unexpected 'for'",
        "generator expressions are not supported; use a list comprehension [... for ...]");
  }
  if (previous && starts_expression(type) && ends_expression(previous->getType()) &&
      lexer_.bracket_depth_at(offending.getTokenIndex()) > 0) {
    return Explanation::error(here, "unexpected " + describe_offending(offending, end_of_input_),
                              "perhaps you forgot a comma?");
  }
  if ((type == P::ELSE || type == P::ELIF) && (!previous || ends_line(previous->getType()))) {
    return Explanation::error(here, "unexpected '" + offending.getText() + "'",
                              "'" + offending.getText() +
                                  "' must follow an 'if' or 'elif' block, at the same indentation");
  }
  const std::string wanted = expected_list(expected, parser.getVocabulary(), end_of_input_);
  const std::string unexpected = "unexpected " + describe_offending(offending, end_of_input_);
  if (wanted.empty()) return Explanation::error(here, unexpected);
  if (ends_line(type)) return Explanation::error(here, "expected " + wanted);
  return Explanation::error(here, unexpected + ", expected " + wanted);
}

SourceRange SyntaxErrorReporter::range_of(const Token& token) const {
  const auto line = static_cast<uint32_t>(token.getLine());
  const auto col = static_cast<uint32_t>(token.getCharPositionInLine() + 1);
  uint32_t end_col = col;
  const size_t type = token.getType();
  // Strings may span lines; point at their start only.
  if (type != Token::EOF && type != P::STRING && type != P::FSTRING &&
      token.getStopIndex() >= token.getStartIndex() &&
      token.getStopIndex() != static_cast<size_t>(-1)) {
    end_col = col + static_cast<uint32_t>(token.getStopIndex() - token.getStartIndex());
  }
  return SourceRange{file_id_, line, col, line, end_col};
}

bool SyntaxErrorReporter::starts_statement(const Token& token) const {
  const Token* before = previous_token(token);
  if (before == nullptr) return token.getTokenIndex() == 0;
  const size_t type = before->getType();
  return type == P::NEWLINE || type == P::INDENT || type == P::DEDENT || type == P::SEMI;
}

const Token* SyntaxErrorReporter::previous_token(const Token& token) const {
  const size_t index = token.getTokenIndex();
  if (index == 0 || index == static_cast<size_t>(-1)) return nullptr;
  return tokens_.get(index - 1);
}

}  // namespace kiln
