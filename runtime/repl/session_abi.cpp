// The C entry points of runtime/entry.h for REPL sessions: one-line wrappers
// that run each command through run_entry_point (runtime/entry_guard.h: a
// large stack, every escaping exception an exit code), so a failed input
// never ends the session.
#include <iostream>
#include <vector>

#include "cli/exit_codes.h"
#include "runtime/effects.h"
#include "runtime/entry.h"
#include "runtime/entry_guard.h"
#include "runtime/repl/session.h"

struct KilnSession {
  explicit KilnSession(bool color) : session(color) {}
  kiln::rt::ReplSession session;
  std::vector<std::string> completions;
};

extern "C" KilnSession* kiln_session_new(int color, int has_seed, uint64_t seed) {
  KilnSession* session = nullptr;
  kiln::rt::run_entry_point([&] {
    session = new KilnSession(color != 0);
    if (has_seed) kiln::rt::set_global_seed(seed);
    return 0;
  });
  return session;
}

extern "C" void kiln_session_free(KilnSession* session) { delete session; }

extern "C" int kiln_session_command(KilnSession* session, int command, const char* text) {
  std::string input = text ? text : "";
  auto& s = session->session;
  return kiln::rt::run_entry_point([&] {
    switch (command) {
      case kKilnEval: return s.eval(input);
      case kKilnLoad: return s.load(input);
      case kKilnTrace: return s.trace(input);
      case kKilnIr: return s.print_ir(input, std::cout);
      case kKilnParams: s.print_params(std::cout); return 0;
      case kKilnReset: s.reset(); return 0;
      default: return static_cast<int>(kiln::kExitUsage);
    }
  });
}

extern "C" int kiln_session_complete(KilnSession* session, const char* prefix, const char** out, int max) {
  session->completions = session->session.completions(prefix ? prefix : "");
  int n = static_cast<int>(session->completions.size());
  for (int i = 0; i < n && i < max; ++i) out[i] = session->completions[static_cast<size_t>(i)].c_str();
  return n;
}
