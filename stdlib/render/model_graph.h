// The structure of a model as render_model draws it (Pyro's
// get_model_relations): its sites with their kinds, distributions and
// plates, the plates and how they nest, and for each site the sites its
// distribution was computed from. inspect_model finds it by running the
// model once; graphviz_render.h draws it.
//   ModelGraph g = inspect_model(model, args);
//   g.sites[3].parents     // {"a", "bA", "sigma"}: the edges into site 3
//
// Dependencies come from autograd (runtime/handlers/provenance_messenger.h),
// so they are exact for tensors and absent where the graph is cut: a value
// turned into a Python number, a discrete (integer) draw used as an index.
// Those edges are not drawn, where Pyro, which tracks provenance on every
// tensor operation, would draw them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

struct ModelSite {
  enum class Kind { kLatent, kObserved, kDeterministic, kParam };
  std::string name;
  Kind kind = Kind::kLatent;
  std::string distribution;          // "Normal" (the base of .to_event() and .mask()); "" for params
  std::string constraint;            // params: the constraint's name ("positive"; "real" if none)
  std::vector<std::string> plates;   // the enclosing plates, outermost first
  std::vector<std::string> parents;  // the sites its distribution (or deterministic
                                     // value) was computed from, in site order
};

struct ModelPlate {
  std::string name;
  int64_t size = -1;   // its number of indices at its first site (the subsample
                       // size when subsampled); -1 if unknown (sequential plates)
  std::string parent;  // the plate enclosing it at its first site; "" if none
};

struct ModelGraph {
  std::vector<ModelSite> sites;    // in the order the model reached them
  std::vector<ModelPlate> plates;  // in order of first appearance: a parent
                                   // comes before the plates inside it
};

// Runs model(*args, **kwargs) once, with autograd on, under a trace and a
// provenance messenger, and reads the graph off the trace. Sites hidden by
// block() inside the model are not seen. The run draws from the global
// generator and initializes params that are not in the store yet, as any
// run of the model would; stored params are not changed. Raises the model's
// KilnErrors, and a KilnError naming the site if a site's distribution
// rejects its value.
ModelGraph inspect_model(const Value& model, const CallArgs& args);

}  // namespace kiln::rt
