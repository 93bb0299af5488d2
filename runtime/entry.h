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

// Parses, checks, lowers and interprets the program. Ctrl-C during the run
// (kiln_request_interrupt) stops it with a message and exit code 130.
int kiln_runtime_run(const KilnRunRequest* request);

// ---- commands that drive a model of a .ppl file: `kiln render` (later
// `kiln svi`, `kiln nuts`); see runtime/drivers/README.md
struct KilnDriveRequest {
  const char* command;       // "render"
  const char* path;          // the .ppl file
  const char* options_json;  // the command's options as a JSON object:
                             // {"model": "model", "output": "m.svg", "params": true}
  int argc;                  // the model's positional arguments (after --), as typed
  const char* const* argv;
  int has_seed;
  uint64_t seed;
  int color;     // colour diagnostics (stderr is a terminal)
  int validate;  // distribution argument checks (on unless --no-validate)
};

typedef int (*KilnDriveFn)(const KilnDriveRequest*);

// Loads the file without running its `if __name__ == "__main__":` block,
// then runs the command. Ctrl-C (kiln_request_interrupt) stops it with exit
// code 130.
int kiln_runtime_drive(const KilnDriveRequest* request);

// ---- REPL sessions (cli/repl.cpp drives these; see runtime/repl/session.h)
typedef struct KilnSession KilnSession;

enum KilnSessionCommand {
  kKilnEval = 0,    // text: program input
  kKilnLoad = 1,    // text: path of a .ppl file
  kKilnTrace = 2,   // text: an expression, run under a site recorder
  kKilnIr = 3,      // text: function name
  kKilnParams = 4,  // text ignored
  kKilnReset = 5,   // text ignored
};

KilnSession* kiln_session_new(int color, int has_seed, uint64_t seed);
void kiln_session_free(KilnSession* session);
// Runs one command; returns an exit code (0 ok, 1 compile, 2 usage,
// 3 runtime error, 70 internal). Output goes to stdout/stderr. Never throws.
int kiln_session_command(KilnSession* session, int command, const char* text);
// Completions of `prefix`: writes up to `max` pointers (valid until the next
// call on this session) and returns how many there are in all.
int kiln_session_complete(KilnSession* session, const char* prefix, const char** out, int max);
// Async-signal-safe: asks the running computation to stop (Ctrl-C).
void kiln_request_interrupt(void);

typedef KilnSession* (*KilnSessionNewFn)(int, int, uint64_t);
typedef void (*KilnSessionFreeFn)(KilnSession*);
typedef int (*KilnSessionCommandFn)(KilnSession*, int, const char*);
typedef int (*KilnSessionCompleteFn)(KilnSession*, const char*, const char**, int);
typedef void (*KilnInterruptFn)(void);
}
