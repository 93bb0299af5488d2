#include "runtime/entry_guard.h"

#include <cstdio>
#include <exception>
#include <iostream>

#include "cli/exit_codes.h"
#include "frontend/large_stack.h"
#include "runtime/errors.h"

namespace kiln::rt {

int run_entry_point(const std::function<int()>& work) {
  int code = kExitInternalError;
  try {
    run_with_large_stack([&] { code = work(); });
  } catch (const InternalError& e) {
    std::fflush(stdout);
    std::cerr << "kiln: " << e.what() << "\n";  // already says what it is and asks for a report
    code = kExitInternalError;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::cerr << "kiln: internal error: " << e.what()
              << "\nThis is a bug in Kiln; please report it with the program that caused it.\n";
    code = kExitInternalError;
  }
  return code;
}

}  // namespace kiln::rt
