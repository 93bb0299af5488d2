#include "runtime/handlers/block_messenger.h"

#include "runtime/errors.h"
#include "runtime/handlers/trace.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

namespace {

void check_disjoint(const std::unordered_set<std::string>& a, const std::unordered_set<std::string>& b,
                    const char* what) {
  for (const std::string& x : a)
    if (b.count(x)) raise(std::string("block(): '") + x + "' is in both hide" + what + " and expose" + what);
}

}  // namespace

BlockMessenger::BlockMessenger(BlockOptions options) : o_(std::move(options)) {
  if (o_.hide_all && o_.expose_all && (o_.hide_given || o_.expose_given || o_.hide_types_given ||
                                       o_.expose_types_given))
    raise("block(): hide_all and expose_all cannot both be True");
  check_disjoint(o_.hide, o_.expose, "");
  check_disjoint(o_.hide_types, o_.expose_types, "_types");
  // As poutine.block: listing what to hide means "only these"; listing what
  // to expose means "all but these".
  if (o_.hide_given || o_.hide_types_given) o_.hide_all = false;
  if (o_.expose_given || o_.expose_types_given) o_.hide_all = true;
}

bool BlockMessenger::hidden(const Message& msg) const {
  if (!o_.hide_fn.is_none() || !o_.expose_fn.is_none()) {
    const Value site = site_dict(msg);
    const ArgList args{site};
    if (!o_.hide_fn.is_none()) return truthy(call_value(o_.hide_fn, args.view("hide_fn")));
    return !truthy(call_value(o_.expose_fn, args.view("expose_fn")));
  }
  const std::string type = msg.type == MessageType::kParam ? "param" : "sample";
  const bool listed_hidden = o_.hide.count(msg.name) || o_.hide_types.count(type) || o_.hide_all;
  const bool listed_exposed = o_.expose.count(msg.name) || o_.expose_types.count(type);
  return listed_hidden && !listed_exposed && !o_.expose_all;
}

void BlockMessenger::process(Message& msg) {
  if (hidden(msg)) msg.stop = true;
}

}  // namespace kiln::rt
