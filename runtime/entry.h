// The runtime's entry points for the `kiln` executable, which loads this
// library with dlopen only when a command must run a program (so `kiln
// check` and `kiln ir` never load LibTorch). Plain C types: the boundary is a
// dlsym'd function pointer. Each call reports its own errors on stderr and
// returns an exit code of cli/exit_codes.h; nothing is thrown across it.
#pragma once

#include <cstdint>

extern "C" {

struct KilnRunRequest {
  const char* path;         // file to run, or a display name when `source` is set
  const char* source;       // program text (for `kiln run -`), or null to read `path`
  int argc;                 // program arguments (the `argv` list)
  const char* const* argv;
  int has_seed;
  uint64_t seed;
  int color;                // colour diagnostics (stderr is a terminal)
  int validate;             // distribution argument checks (on unless --no-validate)
  int timings;              // print phase timings to stderr (--timings)
  double runtime_load_ms;   // how long the CLI took to load this library
};

typedef int (*KilnRunFn)(const KilnRunRequest*);

// Parses, checks, lowers and interprets the program.
int kiln_runtime_run(const KilnRunRequest* request);
}
