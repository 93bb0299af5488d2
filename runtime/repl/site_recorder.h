// The REPL's :trace: records every sample and param site a call makes, with
// its value's shape and log-probability, and prints them as a table. A small
// read-only messenger; the full trace handler (Pyro's poutine.trace) comes
// with the handlers issue and will replace it.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

struct RecordedSite {
  std::string name;
  std::string type;        // "sample", "observed", "param"
  std::string distribution;
  std::string shape;       // of the value, e.g. "(3,)" or "()"
  std::string log_prob;    // summed, or "" for params
};

class SiteRecorder final : public Messenger {
 public:
  void postprocess(Message& msg) override;
  const std::vector<RecordedSite>& sites() const { return sites_; }
  void print(std::ostream& out) const;

 private:
  std::vector<RecordedSite> sites_;
};

}  // namespace kiln::rt
