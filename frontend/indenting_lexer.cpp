#include "frontend/indenting_lexer.h"

#include <string>

#include "frontend/parse.h"

namespace kiln {

namespace {

using antlr4::Token;

// Python's tab stop for indentation.
constexpr uint32_t kTabWidth = 8;

// The first code point of a UTF-8 string (the text was validated before lexing).
char32_t first_code_point(const std::string& utf8) {
  if (utf8.empty()) return 0;
  auto byte = [&](size_t i) { return static_cast<unsigned char>(i < utf8.size() ? utf8[i] : 0); };
  unsigned char b0 = byte(0);
  if (b0 < 0x80) return b0;
  if (b0 < 0xE0) return ((b0 & 0x1Fu) << 6) | (byte(1) & 0x3Fu);
  if (b0 < 0xF0) return ((b0 & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
  return ((b0 & 0x07u) << 18) | ((byte(1) & 0x3Fu) << 12) | ((byte(2) & 0x3Fu) << 6) |
         (byte(3) & 0x3Fu);
}

// "U+20AC", as Python names a character it cannot print.
std::string code_point_label(char32_t c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string digits;
  for (; c != 0 || digits.size() < 4; c >>= 4) digits.insert(digits.begin(), kHex[c & 0xF]);
  return "U+" + digits;
}

bool is_opening(size_t type) {
  return type == IndentingLexer::LPAREN || type == IndentingLexer::LBRACK ||
         type == IndentingLexer::LBRACE;
}

bool is_closing(size_t type) {
  return type == IndentingLexer::RPAREN || type == IndentingLexer::RBRACK ||
         type == IndentingLexer::RBRACE;
}

char opening_for(char closing) { return closing == ')' ? '(' : closing == ']' ? '[' : '{'; }

SourceRange range_at(uint32_t file_id, const Token& token) {
  auto line = static_cast<uint32_t>(token.getLine());
  auto col = static_cast<uint32_t>(token.getCharPositionInLine() + 1);
  return SourceRange{file_id, line, col, line, col};
}

}  // namespace

IndentingLexer::IndentingLexer(antlr4::CharStream* input, uint32_t file_id, Mode mode)
    : KilnLexer(input), file_id_(file_id), mode_(mode) {}

std::unique_ptr<Token> IndentingLexer::nextToken() {
  while (pending_.empty()) produce();
  std::unique_ptr<Token> token = std::move(pending_.front());
  pending_.pop_front();
  depth_by_token_.push_back(pending_depths_.front());
  pending_depths_.pop_front();
  return token;
}

void IndentingLexer::produce() {
  if (finished_ || aborted_) {
    // After a fatal error the rest of the input is left unread; and a stream
    // that asks again after EOF gets EOF again.
    finished_ = true;
    queue(_factory->create({this, _input}, Token::EOF, "<EOF>", DEFAULT_TOKEN_CHANNEL,
                           _input->index(), _input->index() - 1, getLine(),
                           getCharPositionInLine()));
    return;
  }
  std::unique_ptr<Token> token = KilnLexer::nextToken();
  switch (token->getType()) {
    case Token::EOF:
      finish_input(std::move(token));
      return;
    case NEWLINE:
      // A line break ends a logical line only outside brackets, and only if
      // the line had a token: blank and comment-only lines vanish here.
      if (mode_ == Mode::kModule && brackets_.empty() && !at_line_start_) {
        queue(std::move(token));
        at_line_start_ = true;
      }
      return;
    case ERROR_CHAR:
      report_bad_character(*token);
      return;
    case UNTERMINATED_STRING:
    case UNTERMINATED_LONG_STRING:
      report_unterminated_string(*token);
      break;
    default:
      break;
  }
  if (at_line_start_ && mode_ == Mode::kModule && brackets_.empty()) indent_line(*token);
  if (aborted_) return;
  at_line_start_ = false;
  if (!track_bracket(*token)) return;
  queue(std::move(token));
}

void IndentingLexer::finish_input(std::unique_ptr<Token> eof) {
  finished_ = true;
  if (mode_ == Mode::kModule) {
    // A file need not end in a line break; the grammar still sees one. Not
    // inside an unclosed bracket, so the parser stops at EOF and the error
    // can name the bracket.
    if (!at_line_start_ && brackets_.empty()) queue_synthetic(NEWLINE, "<newline>", *eof);
    while (indents_.size() > 1) {
      indents_.pop_back();
      queue_synthetic(DEDENT, "<dedent>", *eof);
    }
  }
  if (!brackets_.empty()) unclosed_ = brackets_.front();
  queue(std::move(eof));
}

// Called for the first token of each logical line.
void IndentingLexer::indent_line(const Token& first) {
  const Indent indent = measure_indentation(first);
  const Indent& current = indents_.back();
  if (indent.col == current.col) {
    if (indent.tabs_as_one != current.tabs_as_one) {
      error(first, "inconsistent use of tabs and spaces in indentation",
            "indent with spaces only (4 per level is usual)");
    }
    return;
  }
  if (indent.col > current.col) {
    if (indent.tabs_as_one <= current.tabs_as_one) {
      error(first, "inconsistent use of tabs and spaces in indentation",
            "indent with spaces only (4 per level is usual)");
    }
    if (indents_.size() > static_cast<size_t>(kMaxIndentDepth)) {
      stop_with_error(
          first, "too many levels of indentation (limit " + std::to_string(kMaxIndentDepth) + ")",
          "move deeply nested code into functions");
      return;
    }
    indents_.push_back(indent);
    queue_synthetic(INDENT, "<indent>", first);
    return;
  }
  dedent_to(indent, first);
}

IndentingLexer::Indent IndentingLexer::measure_indentation(const Token& first) {
  Indent indent;
  const size_t col0 = first.getCharPositionInLine();
  if (col0 == 0) return indent;
  const size_t start = first.getStartIndex();
  const std::string leading = _input->getText(antlr4::misc::Interval(start - col0, start - 1));
  for (size_t i = 0; i < leading.size(); ++i) {
    const char c = leading[i];
    if (c == ' ') {
      ++indent.col;
      ++indent.tabs_as_one;
    } else if (c == '\t') {
      indent.col = (indent.col / kTabWidth + 1) * kTabWidth;
      ++indent.tabs_as_one;
    } else if (c == '\f') {
      // Python resets the count at a form feed (old editors used it as a page break).
      indent = Indent{};
    } else if (leading.compare(i, 3, "\xEF\xBB\xBF") == 0) {
      // A byte-order mark on line 1 takes no room.
      i += 2;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      // Only a dropped bad character can get here; it was reported already.
      ++indent.col;
      ++indent.tabs_as_one;
    }
  }
  return indent;
}

void IndentingLexer::dedent_to(const Indent& indent, const Token& first) {
  while (indents_.size() > 1 && indent.col < indents_.back().col) {
    indents_.pop_back();
    queue_synthetic(DEDENT, "<dedent>", first);
  }
  if (indent.col != indents_.back().col) {
    error(first, "unindent does not match any outer indentation level",
          "line it up with the block it continues");
    return;
  }
  if (indent.tabs_as_one != indents_.back().tabs_as_one) {
    error(first, "inconsistent use of tabs and spaces in indentation",
          "indent with spaces only (4 per level is usual)");
  }
}

bool IndentingLexer::track_bracket(const Token& token) {
  const size_t type = token.getType();
  if (is_opening(type)) {
    if (brackets_.size() >= static_cast<size_t>(kMaxBracketDepth)) {
      stop_with_error(token,
                      "too many nested brackets (limit " + std::to_string(kMaxBracketDepth) + ")",
                      "split the expression with intermediate variables");
      return false;
    }
    const SourceRange at = range_at(file_id_, token);
    const char symbol = type == LPAREN ? '(' : type == LBRACK ? '[' : '{';
    brackets_.push_back(OpenBracket{symbol, at.line, at.col});
    return true;
  }
  if (!is_closing(type)) return true;
  const char symbol = type == RPAREN ? ')' : type == RBRACK ? ']' : '}';
  if (brackets_.empty()) {
    error(token, std::string("unexpected '") + symbol + "'",
          std::string("there is no '") + opening_for(symbol) + "' open here");
    return true;
  }
  const OpenBracket open = brackets_.back();
  brackets_.pop_back();
  if (open.symbol != opening_for(symbol)) {
    error(token, std::string("closing '") + symbol + "' does not match '" + open.symbol +
                     "' opened at line " + std::to_string(open.line));
  }
  return true;
}

void IndentingLexer::report_bad_character(const Token& token) {
  const char32_t c = first_code_point(token.getText());
  if (c == '\\') {
    error(token, "unexpected character after line continuation character",
          "a '\\' that joins lines must be the last character on its line");
  } else if (c == '\r') {
    error(token, "carriage return without a line feed",
          "save the file with \\n (Unix) or \\r\\n (Windows) line endings");
  } else if (c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019) {
    error(token, "invalid character '" + token.getText() + "' (" + code_point_label(c) + ")",
          "use a plain ASCII quote: \" or '");
  } else if (c < 0x20 || c == 0x7F || c == 0xA0 || (c >= 0x80 && c < 0xA0)) {
    error(token, "invalid non-printable character " + code_point_label(c));
  } else if (c < 0x80) {
    error(token, "invalid character '" + token.getText() + "'");
  } else {
    error(token, "invalid character '" + token.getText() + "' (" + code_point_label(c) + ")");
  }
}

void IndentingLexer::report_unterminated_string(Token& token) {
  if (token.getType() == UNTERMINATED_LONG_STRING) {
    error(token, "unterminated triple-quoted string literal",
          "close it with the same three quotes that open it");
  } else {
    error(token, "unterminated string literal",
          "close the string on the same line, or use triple quotes for text spanning lines");
  }
  // Reported here once; the parser sees a string so it reports nothing more.
  if (auto* writable = dynamic_cast<antlr4::WritableToken*>(&token)) writable->setType(STRING);
}

void IndentingLexer::queue(std::unique_ptr<Token> token) {
  pending_.push_back(std::move(token));
  pending_depths_.push_back(static_cast<uint32_t>(brackets_.size()));
}

void IndentingLexer::queue_synthetic(size_t type, const char* text, const Token& at) {
  // An empty span at `at`, so diagnostics about it point at that token.
  auto token = std::make_unique<antlr4::CommonToken>(
      std::pair<antlr4::TokenSource*, antlr4::CharStream*>(this, _input), type,
      DEFAULT_TOKEN_CHANNEL, at.getStartIndex(), at.getStartIndex() - 1);
  token->setText(text);
  token->setLine(at.getLine());
  token->setCharPositionInLine(at.getCharPositionInLine());
  queue(std::move(token));
}

void IndentingLexer::error(const Token& at, std::string message, std::string hint) {
  Diagnostic d;
  d.range = range_at(file_id_, at);
  d.message = std::move(message);
  d.hint = std::move(hint);
  if (errors_.empty() || errors_.back().range.line != d.range.line) ++lines_with_errors_;
  errors_.push_back(std::move(d));
  // Only one error per line is reported, and no more than Diagnostics
  // allows: past that, lexing the rest of a file of garbage is wasted time.
  if (lines_with_errors_ >= Diagnostics::kMaxErrors) aborted_ = true;
}

void IndentingLexer::stop_with_error(const Token& at, std::string message, std::string hint) {
  error(at, std::move(message), std::move(hint));
  aborted_ = true;
}

}  // namespace kiln
