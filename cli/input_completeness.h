// Decides whether REPL input typed so far is a complete statement or needs
// continuation lines, without parsing: open brackets, an unterminated
// triple-quoted string, a trailing backslash, or a block header (a line
// ending in ':') ask for more; a block ends on an empty line, as in Python's
// interactive mode.
#pragma once

#include <string>

namespace kiln {

bool input_needs_more(const std::string& text);

}  // namespace kiln
