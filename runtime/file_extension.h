// The extension of a file name, lowercased, for commands and builtins that
// pick a format from the name they are given (a plot's .png or .svg, a
// data file's .json or .csv): "out/Plot.PNG" -> "png"; "" when the last
// path component has no dot ("out.d/plot" -> "").
#pragma once

#include <string>

namespace kiln::rt {

std::string lowercase_extension(const std::string& path);

}  // namespace kiln::rt
