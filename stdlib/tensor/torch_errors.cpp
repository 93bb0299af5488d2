#include "stdlib/tensor/torch_errors.h"

#include <c10/util/Exception.h>

namespace kiln::rt {

namespace {

// Removes every "(<marker> ... )" group, e.g. "(Triggered internally at ../aten/x.cpp:12.)".
void erase_groups(std::string& s, std::string_view marker) {
  for (size_t at = s.find(marker); at != std::string::npos; at = s.find(marker, at)) {
    const size_t close = s.find(')', at);
    size_t begin = at;
    while (begin > 0 && s[begin - 1] == ' ') --begin;
    s.erase(begin, close == std::string::npos ? std::string::npos : close + 1 - begin);
    at = begin;
  }
}

}  // namespace

std::string clean_torch_message(std::string_view message) {
  std::string s(message);
  // Only the first paragraph is for users; LibTorch appends backtraces and
  // "Exception raised from ..." below it.
  if (const size_t cut = s.find("\nException raised from"); cut != std::string::npos) s.erase(cut);
  erase_groups(s, "(Triggered internally at");
  if (s.rfind("[enforce fail at", 0) == 0)
    if (const size_t close = s.find("] "); close != std::string::npos) s.erase(0, close + 2);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '.')) s.pop_back();
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s.empty() ? std::string("invalid tensor operation") : s;
}

void raise_torch_error(std::string_view context, const std::exception& e) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
  std::string message =
      clean_torch_message(c10_error ? c10_error->what_without_backtrace() : e.what());
  if (message == "ZeroDivisionError") message = "integer division or modulo by zero";
  if (context.empty()) raise(message);
  // A bare function name ("sum", "tensor.view") is shown as a call: "sum(): ...".
  const bool is_name = context.find_first_not_of(
                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") ==
                       std::string_view::npos;
  raise(std::string(context) + (is_name ? "(): " : ": ") + message);
}

}  // namespace kiln::rt
