#include "stdlib/render/graphviz_render.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "runtime/errors.h"
#include "runtime/file_extension.h"

// Last: Graphviz's headers define plain macros (TRUE, MIN, ...).
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

namespace kiln::rt {

namespace {

constexpr const char* kFormatHint = "name the output file .svg, .png or .dot, e.g. model.svg";

// Graphviz's API takes char* for strings it only reads.
char* gv(const char* s) { return const_cast<char*>(s); }
char* gv(const std::string& s) { return const_cast<char*>(s.c_str()); }

void set_attr(void* object, const char* name, const std::string& value) {
  agsafeset(object, gv(name), gv(value), gv(""));
}

// ---- Graphviz's messages, collected instead of printed to stderr.

thread_local std::string* t_graphviz_messages = nullptr;

int collect_graphviz_message(char* text) {
  if (t_graphviz_messages != nullptr) t_graphviz_messages->append(text);
  return 0;
}

class GraphvizMessages {
 public:
  GraphvizMessages() : previous_(agseterrf(&collect_graphviz_message)) { t_graphviz_messages = &text_; }
  ~GraphvizMessages() {
    agseterrf(previous_);
    t_graphviz_messages = nullptr;
  }
  GraphvizMessages(const GraphvizMessages&) = delete;
  GraphvizMessages& operator=(const GraphvizMessages&) = delete;

  // ": <what Graphviz said>", or "" if it said nothing.
  std::string suffix() const {
    std::string text = text_;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text.empty() ? "" : ": " + text;
  }

 private:
  agusererrf previous_;
  std::string text_;
};

// ---- Owners of Graphviz objects; each frees its object on every path.

struct ContextFree {
  void operator()(GVC_t* gvc) const { gvFreeContext(gvc); }
};
struct GraphClose {
  void operator()(Agraph_t* g) const { agclose(g); }
};
struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};
using ContextPtr = std::unique_ptr<GVC_t, ContextFree>;
using GraphPtr = std::unique_ptr<Agraph_t, GraphClose>;
using FilePtr = std::unique_ptr<FILE, FileClose>;

// A layout computed by gvLayout, freed (before its graph is closed) by gvFreeLayout.
class Layout {
 public:
  Layout(GVC_t* gvc, Agraph_t* g) : gvc_(gvc), g_(g) {}
  ~Layout() { gvFreeLayout(gvc_, g_); }
  Layout(const Layout&) = delete;
  Layout& operator=(const Layout&) = delete;

 private:
  GVC_t* gvc_;
  Agraph_t* g_;
};

// agwrite writes through the graph's I/O discipline: this one appends to
// the std::string passed as agwrite's channel.
int append_to_string(void* channel, const char* text) {
  static_cast<std::string*>(channel)->append(text);
  return 0;
}
int no_flush(void*) { return 0; }
int no_read(void*, char*, int) { return 0; }
Agiodisc_t g_string_io{&no_read, &append_to_string, &no_flush};
Agdisc_t g_string_discipline{&AgMemDisc, &AgIdDisc, &g_string_io};

// ---- Building the graph.

// Backslashes start escapes in Graphviz labels (\n, \N, ...): keep a
// name's own backslashes literal.
std::string label_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string site_label(const ModelSite& site, const RenderOptions& options) {
  std::string label = label_text(site.name);
  if (!options.distributions) return label;
  switch (site.kind) {
    case ModelSite::Kind::kParam:
      return label + "\\n∈ " + label_text(site.constraint);
    case ModelSite::Kind::kDeterministic:
      return label + "\\ndeterministic";
    default:
      return label + "\\n" + label_text(site.distribution);
  }
}

void style_node(Agnode_t* node, const ModelSite& site, const RenderOptions& options) {
  set_attr(node, "label", site_label(site, options));
  switch (site.kind) {
    case ModelSite::Kind::kLatent:
      break;
    case ModelSite::Kind::kObserved:
      set_attr(node, "style", "filled");
      set_attr(node, "fillcolor", "gray");
      break;
    case ModelSite::Kind::kDeterministic:
      set_attr(node, "style", "dashed");
      break;
    case ModelSite::Kind::kParam:
      set_attr(node, "shape", "plain");
      break;
  }
}

bool is_drawn(const ModelSite& site, const RenderOptions& options) {
  return site.kind != ModelSite::Kind::kParam || options.params;
}

// One cluster per plate, inside its parent's cluster.
std::unordered_map<std::string, Agraph_t*> add_plate_clusters(Agraph_t* root, const ModelGraph& graph) {
  std::unordered_map<std::string, Agraph_t*> clusters;
  for (const ModelPlate& plate : graph.plates) {
    auto parent = clusters.find(plate.parent);
    Agraph_t* container = parent == clusters.end() ? root : parent->second;
    Agraph_t* cluster = agsubg(container, gv("cluster_" + plate.name), 1);
    std::string label = label_text(plate.name);
    if (plate.size >= 0) label += " (" + std::to_string(plate.size) + ")";
    set_attr(cluster, "label", label);
    // Bottom right, where plate notation puts a plate's size.
    set_attr(cluster, "labeljust", "r");
    set_attr(cluster, "labelloc", "b");
    clusters.emplace(plate.name, cluster);
  }
  return clusters;
}

GraphPtr build_graph(const ModelGraph& graph, const RenderOptions& options) {
  GraphPtr root(agopen(gv("model"), Agdirected, &g_string_discipline));
  KILN_ASSERT(root != nullptr, "render_model: Graphviz could not create a graph");
  // Declared here, not left to gvContext(), so the DOT text is the same
  // whether or not a Graphviz context exists in the process.
  agattr(root.get(), AGNODE, gv("label"), gv("\\N"));
  const std::unordered_map<std::string, Agraph_t*> clusters = add_plate_clusters(root.get(), graph);

  std::unordered_map<std::string, Agnode_t*> nodes;
  for (const ModelSite& site : graph.sites) {
    if (!is_drawn(site, options)) continue;
    Agraph_t* container = root.get();
    if (!site.plates.empty()) container = clusters.at(site.plates.back());
    Agnode_t* node = agnode(container, gv(site.name), 1);
    style_node(node, site, options);
    nodes.emplace(site.name, node);
  }
  for (const ModelSite& site : graph.sites) {
    auto head = nodes.find(site.name);
    if (head == nodes.end()) continue;
    for (const std::string& parent : site.parents) {
      auto tail = nodes.find(parent);
      if (tail != nodes.end()) agedge(root.get(), tail->second, head->second, nullptr, 1);
    }
  }
  return root;
}

void write_text_file(const std::string& path, const std::string& text) {
  FilePtr file(std::fopen(path.c_str(), "wb"));
  if (!file) raise("cannot write '" + path + "': " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), file.get()) == text.size();
  if (!written || std::fclose(file.release()) != 0)
    raise("cannot write '" + path + "': " + std::strerror(errno));
}

}  // namespace

RenderFormat render_format_of(const std::string& path) {
  const std::string extension = lowercase_extension(path);
  if (extension == "svg") return RenderFormat::kSvg;
  if (extension == "png") return RenderFormat::kPng;
  if (extension == "dot") return RenderFormat::kDot;
  raise("cannot tell the image format of '" + path + "' (" +
            (extension.empty() ? "no extension" : "extension ." + extension) +
            "); the formats are .svg, .png and .dot",
        kFormatHint);
}

std::string print_model_dot(const ModelGraph& graph, const RenderOptions& options) {
  GraphvizMessages messages;
  GraphPtr g = build_graph(graph, options);
  std::string text;
  if (agwrite(g.get(), &text) != 0)
    throw InternalError("render_model: Graphviz could not write the DOT text" + messages.suffix());
  return text;
}

void write_model_graph(const ModelGraph& graph, const RenderOptions& options, const std::string& path) {
  const RenderFormat format = render_format_of(path);
  if (format == RenderFormat::kDot) {
    write_text_file(path, print_model_dot(graph, options));
    return;
  }
  const char* format_name = format == RenderFormat::kSvg ? "svg" : "png";
  GraphvizMessages messages;
  ContextPtr gvc(gvContext());
  if (!gvc) raise(std::string("cannot start Graphviz") + messages.suffix());
  GraphPtr g = build_graph(graph, options);
  if (gvLayout(gvc.get(), g.get(), "dot") != 0)
    raise("Graphviz could not lay out the graph" + messages.suffix());
  Layout layout(gvc.get(), g.get());
  FilePtr file(std::fopen(path.c_str(), "wb"));
  if (!file) raise("cannot write '" + path + "': " + std::strerror(errno));
  const bool rendered = gvRender(gvc.get(), g.get(), format_name, file.get()) == 0;
  const bool closed = std::fclose(file.release()) == 0;
  const std::string close_error = std::strerror(errno);
  if (!rendered) {
    std::remove(path.c_str());  // no half-written image
    raise(std::string("Graphviz could not render ") + format_name + messages.suffix(),
          "check that Graphviz's plugins are installed (Debian: libgvc6; PNG needs its cairo plugin)");
  }
  if (!closed) raise("cannot write '" + path + "': " + close_error);
}

}  // namespace kiln::rt
