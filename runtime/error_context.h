// Adding "where" to an error raised by lower-level code: a distribution's
// log_prob says what is wrong with a value, the effect site or trace that
// called it adds which site it was:
//   sample site 'obs': Normal.log_prob(): value of shape (3,) does not broadcast ...
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "runtime/errors.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

// Runs f; a KilnError (or a LibTorch exception, cleaned) escaping it is
// raised again with "<context>: " in front, keeping its hint and stack --
// unless the message already starts with the context. The context is made
// only when an error passes, so hot paths (every effect site, every scored
// site) build no strings when all is well.
// An error that already names `site_name` (quoted) is left as it is.
//   with_lazy_error_context([&] { return "sample site '" + name + "'"; }, f, name)
template <class C, class F>
auto with_lazy_error_context(C&& make_context, F&& f, std::string_view site_name = {})
    -> decltype(f()) {
  try {
    return f();
  } catch (const KilnError& e) {
    const std::string context = make_context();
    const std::string what = e.what();
    if (what.rfind(context, 0) == 0) throw;
    if (!site_name.empty() && what.find("'" + std::string(site_name) + "'") != std::string::npos)
      throw;
    KilnError wrapped(context + ": " + what, e.hint());
    wrapped.set_stack(e.stack());
    wrapped.loc = e.loc;
    throw wrapped;
  } catch (const InternalError&) {
    throw;
  } catch (const std::exception& e) {
    raise_torch_error(make_context(), e);
  }
}

}  // namespace kiln::rt
