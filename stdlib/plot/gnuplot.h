// Drawing a plot with gnuplot, run as a separate program: the plot modules
// (line_plot.h, histogram.h) write a gnuplot script with the data inline in
// `$name << EOD` blocks, and render_with_gnuplot turns it into an image.
//
//   std::string script = "plot $line0 using 1:2 with lines\n";
//   render_with_gnuplot(data_blocks + script, "fit.png");   // or .svg
//
// The terminal comes from the file's extension: .png is `pngcairo`, .svg is
// `svg` (both without enhanced text, so `log_gdp` in a label stays as typed).
// gnuplot writes a temporary sibling of the image (`<path>.tmp.<pid>`),
// which is renamed over the image only when gnuplot succeeded, so the image
// is either the old file or the whole new one, never half-written.
//
// Failure: a KilnError for an unknown extension (before anything runs), a
// directory that does not exist, gnuplot missing ("plotting needs gnuplot
// (apt-get install gnuplot-nox)"), or gnuplot failing (with what it printed
// on its standard error). Ctrl-C while gnuplot runs raises Interrupted.
#pragma once

#include <string>
#include <string_view>

namespace kiln::rt {

enum class PlotFormat { kPng, kSvg };

// The format named by `path`'s extension (case-insensitive). Raises a
// KilnError naming the path and listing .png and .svg for any other.
PlotFormat plot_format_of(const std::string& path);

// Runs gnuplot on `commands` (everything after the terminal and output
// settings, which this function adds) and writes the image to `path`.
void render_with_gnuplot(const std::string& commands, const std::string& path);

// `text` as a gnuplot string literal: single-quoted, quotes doubled, line
// breaks and other control characters turned into spaces.
std::string gnuplot_string(std::string_view text);

// A number as gnuplot reads it in a data block: the shortest text that
// reads back as the same double; NaN for anything not finite, which gnuplot
// treats as a gap in a line.
std::string gnuplot_number(double value);

}  // namespace kiln::rt
