// A line plot: lines over a shared x, each with an optional shaded band
// (a credible interval, say), and an optional scatter of points (the data),
// drawn by gnuplot (gnuplot.h). The builtin line_plot (plot_builtins.cpp)
// and `kiln svi`'s loss.png both make one.
//
//   LinePlot plot;
//   plot.x = {1, 2, 3};
//   plot.lines.push_back({.y = {0.5, 0.7, 0.6}, .label = "mean", .band = Band{lo, hi}});
//   plot.points = Scatter{xs, ys};
//   write_line_plot(plot, "fit.png");
//
// Bands are drawn first, in their line's colour at a quarter opacity, so
// the lines and points stay on top. Non-finite values leave a gap.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kiln::rt {

struct Band {
  std::vector<double> low, high;  // each the size of the plot's x
};

struct PlotLine {
  std::vector<double> y;  // the size of the plot's x
  std::string label;      // "" for none (no key entry)
  std::optional<Band> band;
};

struct Scatter {
  std::vector<double> x, y;  // of equal size, any size
};

struct LinePlot {
  std::vector<double> x;
  std::vector<PlotLine> lines;
  std::optional<Scatter> points;
  std::string title, xlabel, ylabel;  // "" for none
  bool log_y = false;                 // a logarithmic y axis (every y must be positive)
};

// The gnuplot commands that draw `plot` (without terminal and output),
// data included. There must be a line, and sizes must agree (the builtin
// checks both for the user): an InternalError otherwise.
std::string line_plot_commands(const LinePlot& plot);

// Draws `plot` into `path` (.png or .svg); KilnErrors as render_with_gnuplot.
void write_line_plot(const LinePlot& plot, const std::string& path);

// The colour of the i-th line (and its band), cycling through ten.
const char* series_colour(size_t i);

}  // namespace kiln::rt
