// Adding "where" to an error raised by lower-level code: a distribution's
// log_prob says what is wrong with a value, the effect site or trace that
// called it adds which site it was:
//   sample site 'obs': Normal.log_prob(): value of shape (3,) does not broadcast ...
#pragma once

#include <string>
#include <utility>

#include "runtime/errors.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

// Runs f; a KilnError (or a LibTorch exception, cleaned) escaping it is
// raised again with "<context>: " in front, keeping its hint and stack --
// unless the message already names the place: it starts with the context or
// contains `mention` (e.g. the site's quoted name).
template <class F>
auto with_error_context(const std::string& context, F&& f, const std::string& mention = "")
    -> decltype(f()) {
  try {
    return torch_guard(context, std::forward<F>(f));
  } catch (const KilnError& e) {
    const std::string what = e.what();
    if (what.rfind(context, 0) == 0) throw;  // already says where
    if (!mention.empty() && what.find(mention) != std::string::npos) throw;
    KilnError wrapped(context + ": " + what, e.hint());
    wrapped.set_stack(e.stack());
    wrapped.loc = e.loc;
    throw wrapped;
  }
}

}  // namespace kiln::rt
