// Every exit code of `kiln`, in one place (the runtime's entry point returns
// these too). Documented in the README's CLI section.
#pragma once

namespace kiln {

enum ExitCode : int {
  kExitOk = 0,
  kExitCompileError = 1,   // syntax or semantic errors in a .ppl file
  kExitUsage = 2,          // bad command line, missing file, unreadable input
  kExitRuntimeError = 3,   // the program raised an error while running
  kExitInternalError = 70, // a bug in Kiln (as sysexits' EX_SOFTWARE)
  kExitInterrupted = 130,  // stopped by Ctrl-C: 128 + SIGINT, as shells report it
};

}  // namespace kiln
