// `kiln repl`: line editing and history (libedit), tab completion,
// continuation lines, commands (:help, :load, :ir, :params, :trace, :reset,
// :quit) and Ctrl-C, over a runtime session (runtime/repl/session.h) loaded
// with the runtime library. With stdin not a terminal it reads the program
// line by line without prompts, so `echo ... | kiln repl` works in scripts.
#pragma once

#include <cstdint>
#include <string>

namespace kiln {

struct ReplOptions {
  std::string version;
  bool color = false;
  bool has_seed = false;
  uint64_t seed = 0;
};

// Returns the exit code: 0, or for piped input the code of the last failing input.
int run_repl(const ReplOptions& options);

}  // namespace kiln
