// Decoding of literal tokens into values: integers, floats, strings with
// their escapes, and f-strings split into literal text and parsed
// replacement fields. Used by the AST builder; knows nothing of ANTLR.
// Errors become diagnostics that point at the offending characters.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace kiln {

enum class IntLiteralStatus {
  kOk,
  kTooLarge,      // above UINT64_MAX; `value` is meaningless
  kLeadingZeros,  // "012": Python 3 forbids it (it was octal in Python 2)
};

// The value of an INT token ("42", "1_000", "0xFF", "0o17", "0b101"). The
// caller decides what fits: values above INT64_MAX are only valid as the
// operand of a unary minus (-9223372036854775808).
IntLiteralStatus decode_int_literal(std::string_view text, uint64_t& value);

// The value of a FLOAT token ("1.5", "1e-3", ".5", "1_000.0"). Too large
// gives infinity and too small zero, as in Python.
double decode_float_literal(std::string_view text);

// One STRING or FSTRING token, prefix and quotes included, whose first
// character is at `start`. Returns its parts in order: a plain string gives
// one literal part; an f-string gives literal parts and parsed replacement
// fields (through parse_expression, so their positions point into the
// f-string). Sets `is_fstring`. Reports errors and returns what it could.
std::vector<ast::FStringPart> decode_string_literal(std::string_view token,
                                                    const SourceRange& start,
                                                    const SourceManager& sources,
                                                    Diagnostics& diags, bool& is_fstring);

}  // namespace kiln
