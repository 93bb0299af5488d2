#include "stdlib/plot/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/errors.h"
#include "stdlib/plot/gnuplot.h"
#include "stdlib/plot/line_plot.h"

namespace kiln::rt {

namespace {

// Overlapping bars stay readable at this opacity for two or three samples.
constexpr const char* kBarOpacity = "0.4";

}  // namespace

HistogramBins bin_samples(const Histogram& histogram) {
  KILN_ASSERT(histogram.bins >= 1, "histogram: fewer than one bin");
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const std::vector<double>& sample : histogram.samples) {
    KILN_ASSERT(!sample.empty(), "histogram: an empty sample");
    for (double v : sample) {
      KILN_ASSERT(std::isfinite(v), "histogram: a value that is not finite");
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const auto bins = static_cast<size_t>(histogram.bins);
  const double width = (hi - lo) / static_cast<double>(bins);
  HistogramBins out;
  for (size_t i = 0; i < bins; ++i) out.edges.push_back(lo + width * static_cast<double>(i));
  out.edges.push_back(hi);
  for (const std::vector<double>& sample : histogram.samples) {
    std::vector<double> counts(bins, 0.0);
    for (double v : sample) {
      // Rounding can put the largest value (or one a hair below an edge) a
      // bin too far; the last bin is closed on the right.
      const auto bin = static_cast<size_t>(std::max(0.0, std::floor((v - lo) / width)));
      counts[std::min(bin, bins - 1)] += 1.0;
    }
    if (histogram.density) {
      const double area = static_cast<double>(sample.size()) * width;
      for (double& c : counts) c /= area;
    }
    out.heights.push_back(std::move(counts));
  }
  return out;
}

std::string histogram_commands(const Histogram& histogram) {
  KILN_ASSERT(histogram.labels.empty() || histogram.labels.size() == histogram.samples.size(),
              "histogram: labels and samples differ in number");
  const HistogramBins bins = bin_samples(histogram);
  std::string out;
  if (!histogram.title.empty()) out += "set title " + gnuplot_string(histogram.title) + "\n";
  if (!histogram.xlabel.empty()) out += "set xlabel " + gnuplot_string(histogram.xlabel) + "\n";
  out += "set ylabel " + gnuplot_string(histogram.density ? "density" : "count") + "\n";
  out += "set grid\nset key top right opaque\n";
  out += "set xrange [" + gnuplot_number(bins.edges.front()) + ":" + gnuplot_number(bins.edges.back()) + "]\n";
  out += "set yrange [0:*]\nset offsets 0, 0, graph 0.05, 0\n";  // headroom above the tallest bar
  out += std::string("set style fill transparent solid ") + kBarOpacity + " border\n";
  std::string plot = "plot ";
  for (size_t s = 0; s < bins.heights.size(); ++s) {
    const std::string name = "hist" + std::to_string(s);
    out += "$" + name + " << EOD\n";
    for (size_t b = 0; b + 1 < bins.edges.size(); ++b) {
      const double left = bins.edges[b], right = bins.edges[b + 1];
      out += gnuplot_number((left + right) / 2) + " " + gnuplot_number(bins.heights[s][b]) + " " +
             gnuplot_number(right - left) + "\n";
    }
    out += "EOD\n";
    const std::string label = histogram.labels.empty() ? "" : histogram.labels[s];
    plot += (s == 0 ? "" : ", \\\n     ") + ("$" + name) + " using 1:2:3 with boxes linecolor rgb '" +
            series_colour(s) + "' " + (label.empty() ? "notitle" : "title " + gnuplot_string(label));
  }
  return out + plot + "\n";
}

void write_histogram(const Histogram& histogram, const std::string& path) {
  render_with_gnuplot(histogram_commands(histogram), path);
}

}  // namespace kiln::rt
