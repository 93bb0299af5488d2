// Histograms of one or more samples over common bins, overlaid with
// transparency and drawn by gnuplot as boxes (gnuplot.h). The builtin
// histogram (plot_builtins.cpp) makes one.
//
//   Histogram h;
//   h.samples = {prior_draws, posterior_draws};
//   h.labels = {"prior", "posterior"};
//   write_histogram(h, "mu.svg");
//
// The bins are computed here, not by gnuplot: `bins` equal-width bins from
// the smallest to the largest value over all samples, so the samples share
// their edges and overlay bar on bar. Each bin holds the values in
// [left, right), the last one also its right edge. With density=true the
// heights are count / (n * width), so each histogram has area 1 (comparable
// across samples of different sizes); else the counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::rt {

struct Histogram {
  std::vector<std::vector<double>> samples;  // each non-empty, every value finite
  std::vector<std::string> labels;           // one per sample, or empty for no key
  int64_t bins = 30;
  std::string title, xlabel;
  bool density = true;
};

struct HistogramBins {
  std::vector<double> edges;                 // bins + 1 increasing edges
  std::vector<std::vector<double>> heights;  // per sample, per bin
};

// The common bins and each sample's heights. If every value is the same,
// the one value sits in the middle of a range of width 1.
HistogramBins bin_samples(const Histogram& histogram);

// The gnuplot commands drawing `histogram` (without terminal and output).
std::string histogram_commands(const Histogram& histogram);

// Draws `histogram` into `path` (.png or .svg); KilnErrors as render_with_gnuplot.
void write_histogram(const Histogram& histogram, const std::string& path);

}  // namespace kiln::rt
