#include "runtime/format.h"

#include <cctype>
#include <cstdio>

#include "runtime/errors.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

namespace {

struct Spec {
  char fill = ' ';
  char align = 0;  // '<', '>', '^' or 0 for the type's default
  char sign = '-';
  int width = 0;
  int precision = -1;
  char type = 0;
};

Spec parse_spec(std::string_view s) {
  Spec spec;
  size_t i = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^'; };
  if (s.size() >= 2 && is_align(s[1])) {
    spec.fill = s[0];
    spec.align = s[1];
    i = 2;
  } else if (!s.empty() && is_align(s[0])) {
    spec.align = s[0];
    i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) spec.sign = s[i++];
  if (i < s.size() && s[i] == '0' && !spec.align) {
    spec.fill = '0';
    spec.align = '=';
    ++i;
  }
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) spec.width = spec.width * 10 + (s[i++] - '0');
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) raise("format spec '" + std::string(s) + "': precision missing after '.'");
    spec.precision = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) spec.precision = spec.precision * 10 + (s[i++] - '0');
  }
  if (i < s.size()) spec.type = s[i++];
  if (i != s.size()) {
    raise("invalid format spec '" + std::string(s) + "'", "use e.g. {x:.3f}, {n:5d}, {s:>10}, {p:.1%}");
  }
  return spec;
}

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The first `count` characters of s (never cutting a UTF-8 sequence).
std::string first_code_points(const std::string& s, size_t count) {
  size_t i = 0;
  for (size_t seen = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == count) break;
  }
  return s.substr(0, i);
}

std::string pad(std::string body, const Spec& spec, bool numeric) {
  size_t length = code_points(body);
  if (static_cast<int>(length) >= spec.width) return body;
  size_t n = static_cast<size_t>(spec.width) - length;
  char align = spec.align ? spec.align : (numeric ? '>' : '<');
  if (align == '=') {
    size_t sign = !body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ') ? 1 : 0;
    return body.substr(0, sign) + std::string(n, spec.fill) + body.substr(sign);
  }
  if (align == '<') return body + std::string(n, spec.fill);
  if (align == '>') return std::string(n, spec.fill) + body;
  return std::string(n / 2, spec.fill) + body + std::string(n - n / 2, spec.fill);
}

std::string with_sign(std::string body, bool negative, const Spec& spec) {
  if (negative) return "-" + body;
  if (spec.sign == '+') return "+" + body;
  if (spec.sign == ' ') return " " + body;
  return body;
}

}  // namespace

std::string format_value(const Value& v, std::string_view spec_text) {
  if (spec_text.empty()) return to_str(v);
  Spec spec = parse_spec(spec_text);
  char type = spec.type;
  if (type == 0 || type == 's') {
    if (type == 's' || !(v.is_number())) {
      std::string s = to_str(v);
      if (spec.precision >= 0) s = first_code_points(s, static_cast<size_t>(spec.precision));
      return pad(s, spec, false);
    }
  }
  if (type == 'd') {
    int64_t n = to_int(v, "the value formatted with 'd'");
    std::string digits = std::to_string(n < 0 ? -static_cast<uint64_t>(n) : static_cast<uint64_t>(n));
    return pad(with_sign(digits, n < 0, spec), spec, true);
  }
  double d = to_double(v, "the value formatted with '" + std::string(1, type ? type : 'g') + "'");
  char conv = type == 0 ? 'g' : type;
  if (type == 0 && spec.precision >= 0 && (v.is_int() || v.is_bool())) {
    raise("precision is not allowed for an int without a type", "use {n:.2f} to show it as a float");
  }
  if (type == 0 && spec.precision < 0) {
    // No type and no precision: like str() of the number.
    std::string body = v.is_int() ? std::to_string(v.as_int()) : format_float(d);
    return pad(body, spec, true);
  }
  double shown = d;
  std::string suffix;
  if (conv == '%') {
    shown = d * 100.0;
    conv = 'f';
    suffix = "%";
  }
  if (conv != 'f' && conv != 'e' && conv != 'g' && conv != 'F' && conv != 'E' && conv != 'G') {
    raise("unknown format type '" + std::string(1, type) + "' for a number", "use d, f, e, g or %");
  }
  int precision = spec.precision < 0 ? 6 : spec.precision;
  char fmt[8] = {'%', '.', '*', conv, 0};
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, precision, shown < 0 ? -shown : shown);
  return pad(with_sign(std::string(buf) + suffix, std::signbit(shown) && shown != 0.0, spec), spec, true);
}

}  // namespace kiln::rt
