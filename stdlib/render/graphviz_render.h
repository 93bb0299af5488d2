// Draws a ModelGraph (model_graph.h) with the Graphviz C library, as
// pyro.render_model draws a model: each site a node, each plate a box (a
// graphviz cluster labelled "name (size)" in its bottom right corner,
// nested plates nested), an edge into each site from every site its
// distribution was computed from.
//   latent sample        ellipse
//   observed sample      ellipse filled gray (factor() sites too)
//   deterministic        dashed ellipse
//   param                plain text, only with params=true
// With distributions=true a sample site's label adds its distribution's name
// ("a\nNormal") and a param's its constraint ("sigma\n∈ positive").
//
//   std::string dot = print_model_dot(graph, options);   // DOT source text
//   write_model_graph(graph, options, "model.svg");      // .svg, .png or .dot
//
// The DOT text is the graph as built, without layout coordinates, so it is
// the same on every machine; a .dot file holds exactly that text. SVG and
// PNG are laid out with `dot`. Graphviz's own messages are collected and
// reported in the KilnError when a step fails, never printed.
#pragma once

#include <string>

#include "stdlib/render/model_graph.h"

namespace kiln::rt {

struct RenderOptions {
  bool distributions = false;  // distribution names and param constraints in the labels
  bool params = false;         // draw param sites and their edges
};

enum class RenderFormat { kSvg, kPng, kDot };

// The format named by `path`'s extension (case-insensitive). Raises a
// KilnError listing .svg, .png and .dot for any other.
RenderFormat render_format_of(const std::string& path);

// The graph in Graphviz's DOT language.
std::string print_model_dot(const ModelGraph& graph, const RenderOptions& options);

// Writes the graph to `path` in the format of its extension. Raises a
// KilnError for an unknown extension, a file that cannot be written, or a
// Graphviz failure (with Graphviz's message).
void write_model_graph(const ModelGraph& graph, const RenderOptions& options, const std::string& path);

}  // namespace kiln::rt
