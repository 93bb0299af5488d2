#include "frontend/literals.h"

#include <charconv>
#include <limits>
#include <string>

#include "frontend/parse.h"

namespace kiln {

namespace {

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n\f") == std::string_view::npos;
}

// Walks one string token byte by byte, tracking the file position of the
// current byte, and collects the literal text and replacement fields.
class StringDecoder {
 public:
  StringDecoder(std::string_view token, const SourceRange& start, const SourceManager& sources,
                Diagnostics& diags)
      : text_(token),
        end_(token.size()),
        file_(start.file),
        line_(start.line),
        col_(start.col),
        sources_(sources),
        diags_(diags) {}

  std::vector<ast::FStringPart> decode(bool& is_fstring);

 private:
  struct Mark {
    size_t pos;
    uint32_t line, col;
  };

  Mark mark() const { return {pos_, line_, col_}; }
  char peek(size_t ahead = 0) const { return pos_ + ahead < end_ ? text_[pos_ + ahead] : '\0'; }
  // Moves past `bytes` bytes; a column is one code point, so only lead bytes count.
  void advance(size_t bytes = 1) {
    for (size_t i = 0; i < bytes && pos_ < text_.size(); ++i) {
      const char c = text_[pos_++];
      if (c == '\n') {
        ++line_;
        col_ = 1;
      } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
        ++col_;
      }
    }
  }
  // From `from` to the last byte consumed.
  SourceRange range_from(const Mark& from) const {
    return SourceRange{file_, from.line, from.col, line_, col_ > 1 ? col_ - 1 : col_};
  }

  void read_prefix_and_quotes();
  void decode_escape();
  void decode_hex_escape(const Mark& start, char kind, int digits);
  void decode_field();
  bool scan_expression(const Mark& open);
  void skip_conversion();
  std::string scan_format_spec();
  void flush_literal();

  std::string_view text_;
  size_t pos_ = 0;
  size_t end_;  // index of the closing quotes
  uint32_t file_, line_, col_;
  bool raw_ = false;
  bool fstring_ = false;
  std::string literal_;
  std::vector<ast::FStringPart> parts_;
  const SourceManager& sources_;
  Diagnostics& diags_;
};

std::vector<ast::FStringPart> StringDecoder::decode(bool& is_fstring) {
  read_prefix_and_quotes();
  is_fstring = fstring_;
  while (pos_ < end_) {
    const char c = text_[pos_];
    if (fstring_ && c == '{') {
      if (peek(1) == '{') {
        literal_ += '{';
        advance(2);
      } else {
        decode_field();
      }
    } else if (fstring_ && c == '}') {
      if (peek(1) == '}') {
        literal_ += '}';
        advance(2);
      } else {
        const Mark at = mark();
        advance();
        diags_.error(range_from(at), "f-string: single '}' is not allowed",
                     "write '}}' for a literal '}'");
      }
    } else if (c == '\\' && !raw_) {
      decode_escape();
    } else if (c == '\r' && peek(1) == '\n') {
      advance();  // source line endings become "\n", as in Python
    } else {
      literal_ += c;
      advance();
    }
  }
  flush_literal();
  if (parts_.empty()) parts_.emplace_back();
  return std::move(parts_);
}

void StringDecoder::read_prefix_and_quotes() {
  while (pos_ < text_.size() && text_[pos_] != '\'' && text_[pos_] != '"') {
    const char c = text_[pos_];
    if (c == 'r' || c == 'R') raw_ = true;
    if (c == 'f' || c == 'F') fstring_ = true;
    advance();
  }
  const char quote = peek();
  const bool triple = text_.substr(pos_, 3) == std::string(3, quote);
  const size_t quote_length = triple ? 3 : 1;
  advance(quote_length);
  end_ = text_.size() >= pos_ + quote_length ? text_.size() - quote_length : pos_;
}

void StringDecoder::decode_escape() {
  const Mark start = mark();
  advance();  // the backslash
  const char c = peek();
  switch (c) {
    case '\n':
      advance();
      return;  // backslash-newline joins lines
    case '\r':
      advance(peek(1) == '\n' ? 2 : 1);
      return;
    case '\\':
    case '\'':
    case '"':
      literal_ += c;
      advance();
      return;
    case 'a':
      literal_ += '\a';
      advance();
      return;
    case 'b':
      literal_ += '\b';
      advance();
      return;
    case 'f':
      literal_ += '\f';
      advance();
      return;
    case 'n':
      literal_ += '\n';
      advance();
      return;
    case 'r':
      literal_ += '\r';
      advance();
      return;
    case 't':
      literal_ += '\t';
      advance();
      return;
    case 'v':
      literal_ += '\v';
      advance();
      return;
    case 'x':
      decode_hex_escape(start, c, 2);
      return;
    case 'u':
      decode_hex_escape(start, c, 4);
      return;
    case 'U':
      decode_hex_escape(start, c, 8);
      return;
    case 'N':
      advance();
      diags_.error(range_from(start), "\\N{...} escapes are not supported",
                   "write the character itself, or use \\u followed by its 4 hex digits");
      return;
    default:
      break;
  }
  if (c >= '0' && c <= '7') {
    uint32_t value = 0;
    for (int i = 0; i < 3 && peek() >= '0' && peek() <= '7'; ++i) {
      value = value * 8 + static_cast<uint32_t>(peek() - '0');
      advance();
    }
    append_utf8(literal_, value);
    return;
  }
  // Python keeps unknown escapes verbatim but warns: "\d" is usually a mistake.
  literal_ += '\\';
  diags_.warning(SourceRange{file_, start.line, start.col, start.line, start.col + 1},
                 std::string("invalid escape sequence '\\") + c + "'",
                 "write '\\\\' for a backslash, or use a raw string: r\"...\"");
}

void StringDecoder::decode_hex_escape(const Mark& start, char kind, int digits) {
  advance();  // the x, u or U
  uint32_t value = 0;
  for (int i = 0; i < digits; ++i) {
    const int d = digit_value(peek());
    if (d > 15) {
      diags_.error(range_from(start), std::string("truncated \\") + kind + " escape: expected " +
                                          std::to_string(digits) + " hex digits");
      return;
    }
    value = value * 16 + static_cast<uint32_t>(d);
    advance();
  }
  if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    diags_.error(range_from(start), "escape is not a valid Unicode code point",
                 "code points are at most \\U0010FFFF and exclude surrogates D800-DFFF");
    return;
  }
  append_utf8(literal_, value);
}

// At a '{' that opens a replacement field: {expression[!conversion][:spec]}.
void StringDecoder::decode_field() {
  const Mark open = mark();
  advance();
  const Mark expression_start = mark();
  if (!scan_expression(open)) return;
  const std::string expression(text_.substr(expression_start.pos, pos_ - expression_start.pos));
  if (peek() == '!') skip_conversion();
  std::string spec;
  if (peek() == ':') spec = scan_format_spec();
  if (peek() != '}') {
    diags_.error(range_from(open), "f-string: expecting '}'",
                 "close the replacement field with '}'");
    return;
  }
  advance();
  if (is_blank(expression)) {
    diags_.error(range_from(open), "f-string: empty expression not allowed",
                 "write '{{' for a literal '{'");
    return;
  }
  const SourceRange origin{file_, expression_start.line, expression_start.col,
                           expression_start.line, expression_start.col};
  ast::ExprPtr value = parse_expression(sources_, file_, expression, origin, diags_);
  if (!value) return;
  flush_literal();
  ast::FStringPart part;
  part.expr = std::move(value);
  part.format_spec = std::move(spec);
  parts_.push_back(std::move(part));
}

// Advances to the end of the field's expression: a top-level '}', ':' or
// '!' (not '!='), skipping brackets and quoted strings inside it.
bool StringDecoder::scan_expression(const Mark& open) {
  int depth = 0;
  char quote = '\0';
  while (pos_ < end_) {
    const char c = peek();
    if (c == '\\') {
      const Mark at = mark();
      advance();
      diags_.error(range_from(at), "f-string expression part cannot include a backslash",
                   "compute the value in a variable before the f-string");
      continue;
    }
    if (quote != '\0') {
      if (c == quote) quote = '\0';
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (depth == 0 && c == '}') return true;
      if (depth > 0) --depth;
    } else if (depth == 0 && (c == ':' || (c == '!' && peek(1) != '='))) {
      return true;
    }
    advance();
  }
  diags_.error(range_from(open), "f-string: expecting '}'", "close the replacement field with '}'");
  return false;
}

void StringDecoder::skip_conversion() {
  const Mark at = mark();
  while (pos_ < end_ && peek() != ':' && peek() != '}') advance();
  diags_.error(range_from(at), "f-string conversions such as '!r' are not supported",
               "call repr(x) or str(x) inside the braces instead");
}

// At the ':' of a field; returns the spec text and stops at the closing '}'
// (skipping a nested {...}, which it reports).
std::string StringDecoder::scan_format_spec() {
  advance();
  const size_t begin = pos_;
  int nested = 0;
  while (pos_ < end_ && (peek() != '}' || nested > 0)) {
    if (peek() == '{' && nested++ == 0) {
      const Mark at = mark();
      advance();
      diags_.error(range_from(at), "nested replacement fields in a format spec are not supported",
                   "build the format with a plain f-string expression instead");
      continue;
    }
    if (peek() == '}') --nested;
    advance();
  }
  return std::string(text_.substr(begin, pos_ - begin));
}

void StringDecoder::flush_literal() {
  if (literal_.empty()) return;
  ast::FStringPart part;
  part.literal = std::move(literal_);
  literal_.clear();
  parts_.push_back(std::move(part));
}

}  // namespace

IntLiteralStatus decode_int_literal(std::string_view text, uint64_t& value) {
  unsigned base = 10;
  size_t i = 0;
  if (text.size() > 2 && text[0] == '0') {
    const char kind = static_cast<char>(text[1] | 0x20);  // lower case
    base = kind == 'x' ? 16 : kind == 'o' ? 8 : kind == 'b' ? 2 : 10;
    if (base != 10) i = 2;
  }
  if (base == 10 && text.size() > 1 && text[0] == '0' &&
      text.find_first_not_of("0_") != std::string_view::npos) {
    return IntLiteralStatus::kLeadingZeros;
  }
  value = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (; i < text.size(); ++i) {
    if (text[i] == '_') continue;
    const auto d = static_cast<uint64_t>(digit_value(text[i]));
    if (value > (kMax - d) / base) return IntLiteralStatus::kTooLarge;
    value = value * base + d;
  }
  return IntLiteralStatus::kOk;
}

double decode_float_literal(std::string_view text) {
  std::string digits;
  digits.reserve(text.size());
  for (char c : text) {
    if (c != '_') digits += c;
  }
  double value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error == std::errc::result_out_of_range) {
    const size_t e = digits.find_first_of("eE");
    const bool tiny = e != std::string::npos && e + 1 < digits.size() && digits[e + 1] == '-';
    return tiny ? 0.0 : std::numeric_limits<double>::infinity();
  }
  return value;
}

std::vector<ast::FStringPart> decode_string_literal(std::string_view token,
                                                    const SourceRange& start,
                                                    const SourceManager& sources,
                                                    Diagnostics& diags, bool& is_fstring) {
  StringDecoder decoder(token, start, sources, diags);
  return decoder.decode(is_fstring);
}

}  // namespace kiln
