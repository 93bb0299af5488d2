// The last-resort catch of the runtime's C entry points (runtime/entry.h):
// runs one entry point's work on a large stack (frontend/large_stack.h) and
// turns an exception that escapes it into a message on stderr and
// kExitInternalError, so nothing is thrown across the C boundary. User
// errors never get here (the work reports KilnErrors itself and returns
// their exit code), so what is caught is Kiln's bug and says so.
//
//   extern "C" int kiln_runtime_run(const KilnRunRequest* request) {
//     return kiln::rt::run_entry_point([&] { return kiln::rt::run_program(*request); });
//   }
#pragma once

#include <functional>

namespace kiln::rt {

// `work`'s exit code, or kExitInternalError (cli/exit_codes.h) after
// printing what escaped it, standard output flushed first.
int run_entry_point(const std::function<int()>& work);

}  // namespace kiln::rt
