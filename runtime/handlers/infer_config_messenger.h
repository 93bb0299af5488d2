// infer_config: adds entries to the infer dict of every sample and param
// site inside it, from config_fn(site) (a function of the site dict that
// returns a dict), as poutine.infer_config:
//   infer_config(guide, lambda site: {"baseline": {"use_decaying_avg_baseline": True}})
#pragma once

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class InferConfigMessenger final : public Messenger {
 public:
  // Raises KilnError unless config_fn is callable.
  explicit InferConfigMessenger(Value config_fn);
  void process(Message& msg) override;

 private:
  Value config_fn_;
};

}  // namespace kiln::rt
