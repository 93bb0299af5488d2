// f-string replacement fields: format a value by a Python format spec,
// [[fill]align][sign][width][.precision][type] with types d f e g s %;
// widths and precisions count characters (code points), not bytes.
#pragma once

#include <string>
#include <string_view>

#include "runtime/value.h"

namespace kiln::rt {

// str(v) when `spec` is empty. Raises KilnError for a malformed spec or a
// type the spec does not apply to.
std::string format_value(const Value& v, std::string_view spec);

}  // namespace kiln::rt
