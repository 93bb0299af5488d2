// block: hides sites from the handlers outside it (msg.stop), as
// poutine.block. By default everything is hidden; hide=[names] /
// hide_types=["param"] hide only those, expose=[...] / expose_types=[...]
// hide everything but those, and hide_fn / expose_fn (functions of a site
// dict returning a bool) decide per site.
//   block(model, hide=["z"])       # an outer trace does not record z
#pragma once

#include <string>
#include <unordered_set>

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

struct BlockOptions {
  Value hide_fn, expose_fn;  // None or callables of a site dict
  bool hide_all = true;
  bool expose_all = false;
  std::unordered_set<std::string> hide, expose, hide_types, expose_types;
  bool hide_given = false, expose_given = false, hide_types_given = false,
       expose_types_given = false;
};

class BlockMessenger final : public Messenger {
 public:
  // Raises KilnError if the options contradict each other (a name both
  // hidden and exposed, hide_all and expose_all both set).
  explicit BlockMessenger(BlockOptions options);
  void process(Message& msg) override;

 private:
  bool hidden(const Message& msg) const;
  BlockOptions o_;
};

}  // namespace kiln::rt
