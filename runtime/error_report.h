// Prints a runtime KilnError as the user sees it:
//   model.ppl:12:9: error: message
//       source line
//           ^~~~
//   hint: ...
//   call stack (most recent call last):
//     model.ppl:20 in <module>: main()
//     model.ppl:12 in model: sample("x", ...)
#pragma once

#include <ostream>

#include "frontend/source.h"
#include "runtime/errors.h"

namespace kiln::rt {

void print_runtime_error(std::ostream& out, const SourceManager& sources, const KilnError& error, bool color = false);

}  // namespace kiln::rt
