// Turning LibTorch's exceptions into KilnErrors. LibTorch reports misuse
// (shape mismatches, bad dims, in-place updates of leaves...) by throwing
// c10::Error or std::runtime_error; a user must see a clean one-line message,
// never a C++ exception text with internal file references. Every builtin,
// method and hook of stdlib/ runs its LibTorch calls inside torch_guard.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "runtime/errors.h"
#include "runtime/objects.h"

namespace kiln::rt {

// LibTorch's message without backtrace, "(Triggered internally at ...)" notes
// and "[enforce fail at file.cpp:12]" prefixes.
std::string clean_torch_message(std::string_view message);

// Raises a KilnError "<context>: <clean message>"; a bare name as context
// reads as a call ("sum(): ..."); context may be empty.
[[noreturn]] void raise_torch_error(std::string_view context, const std::exception& e);

// Runs f, converting LibTorch exceptions; KilnError and InternalError pass
// through unchanged.
template <class F>
auto torch_guard(std::string_view context, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const KilnError&) {
    throw;
  } catch (const InternalError&) {
    throw;
  } catch (const std::exception& e) {
    raise_torch_error(context, e);
  }
}

// A NativeFn wrapping F in torch_guard, for register_builtin:
//   register_builtin(BuiltinId::k_exp, &guarded<&builtin_exp>);
template <NativeFn F>
Value guarded(const CallArgs& args) {
  return torch_guard(args.callee, [&] { return F(args); });
}

}  // namespace kiln::rt
