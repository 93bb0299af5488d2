#include "stdlib/plot/line_plot.h"

#include <array>

#include "runtime/errors.h"
#include "stdlib/plot/gnuplot.h"

namespace kiln::rt {

namespace {

// Ten colours that stay distinguishable (matplotlib's "tab10" values).
constexpr std::array<const char*, 10> kColours = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
// Bands are drawn under the lines; a quarter opacity keeps overlapping bands
// and the grid visible.
constexpr const char* kBandOpacity = "0.25";

// A datablock `$name` with one row per x, one column per series.
void append_block(std::string& out, const std::string& name,
                  const std::vector<const std::vector<double>*>& columns) {
  out += "$" + name + " << EOD\n";
  const size_t rows = columns.front()->size();
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c > 0) out += ' ';
      out += gnuplot_number((*columns[c])[r]);
    }
    out += '\n';
  }
  out += "EOD\n";
}

void check_sizes(const LinePlot& plot) {
  const size_t n = plot.x.size();
  for (const PlotLine& line : plot.lines) {
    KILN_ASSERT(line.y.size() == n, "line_plot: a line's size differs from x's");
    if (line.band)
      KILN_ASSERT(line.band->low.size() == n && line.band->high.size() == n,
                  "line_plot: a band's size differs from x's");
  }
  if (plot.points) KILN_ASSERT(plot.points->x.size() == plot.points->y.size(), "line_plot: points x and y differ");
}

std::string title_of(const std::string& label) {
  return label.empty() ? "notitle" : "title " + gnuplot_string(label);
}

}  // namespace

const char* series_colour(size_t i) { return kColours[i % kColours.size()]; }

std::string line_plot_commands(const LinePlot& plot) {
  check_sizes(plot);
  std::string out;
  if (!plot.title.empty()) out += "set title " + gnuplot_string(plot.title) + "\n";
  if (!plot.xlabel.empty()) out += "set xlabel " + gnuplot_string(plot.xlabel) + "\n";
  if (!plot.ylabel.empty()) out += "set ylabel " + gnuplot_string(plot.ylabel) + "\n";
  if (plot.log_y) out += "set logscale y\n";
  out += "set grid\nset key top right opaque\n";
  // The lines span x exactly; gnuplot's default pads to the next tic. Points
  // may lie at the very edge, so they keep the padding.
  if (!plot.points) out += "set autoscale xfixmin\nset autoscale xfixmax\n";

  std::vector<std::string> layers;  // plot clauses, bottom first
  for (size_t i = 0; i < plot.lines.size(); ++i) {
    const PlotLine& line = plot.lines[i];
    if (!line.band) continue;
    const std::string name = "band" + std::to_string(i);
    append_block(out, name, {&plot.x, &line.band->low, &line.band->high});
    layers.push_back("$" + name + " using 1:2:3 with filledcurves fillcolor rgb '" + series_colour(i) +
                     "' fillstyle transparent solid " + kBandOpacity + " noborder notitle");
  }
  for (size_t i = 0; i < plot.lines.size(); ++i) {
    const std::string name = "line" + std::to_string(i);
    append_block(out, name, {&plot.x, &plot.lines[i].y});
    layers.push_back("$" + name + " using 1:2 with lines linewidth 2 linecolor rgb '" + series_colour(i) + "' " +
                     title_of(plot.lines[i].label));
  }
  if (plot.points && !plot.points->x.empty()) {
    append_block(out, "points", {&plot.points->x, &plot.points->y});
    layers.push_back("$points using 1:2 with points pointtype 7 pointsize 0.6 linecolor rgb 'black' notitle");
  }
  KILN_ASSERT(!plot.lines.empty(), "line_plot: a plot without lines");
  out += "plot ";
  for (size_t i = 0; i < layers.size(); ++i) out += (i == 0 ? "" : ", \\\n     ") + layers[i];
  return out + "\n";
}

void write_line_plot(const LinePlot& plot, const std::string& path) {
  render_with_gnuplot(line_plot_commands(plot), path);
}

}  // namespace kiln::rt
