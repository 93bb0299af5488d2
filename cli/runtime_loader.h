// Finds and loads libkiln_runtime.so (beside the kiln executable, or named by
// $KILN_RUNTIME) and returns one of its entry points.
#pragma once

#include <string>

namespace kiln {

// The address of `symbol` in the runtime library, or null with `error` set
// (a sentence for the user) if the library or symbol cannot be loaded.
void* load_runtime_symbol(const char* symbol, std::string& error);

}  // namespace kiln
