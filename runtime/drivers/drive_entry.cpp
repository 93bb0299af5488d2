// kiln_runtime_drive (runtime/entry.h): the one entry point of the commands
// that run a model of a .ppl file. Adding a command: its function in
// commands.h, a file of its own, a row in kCommands.
#include <cstdio>
#include <iostream>
#include <string_view>

#include "cli/exit_codes.h"
#include "frontend/large_stack.h"
#include "runtime/drivers/commands.h"
#include "runtime/entry.h"
#include "runtime/interrupt.h"

namespace kiln::rt {

namespace {

struct Command {
  std::string_view name;
  int (*run)(const DriveRequest&);
};

constexpr Command kCommands[] = {
    {"render", &render_command},
    {"svi", &svi_command},
};

int drive(const KilnDriveRequest& c_request) {
  const DriveRequest request = DriveRequest::from_c(c_request);
  clear_interrupt();
  for (const Command& command : kCommands)
    if (command.name == request.command) return command.run(request);
  throw InternalError("kiln_runtime_drive: unknown command '" + request.command + "'");
}

}  // namespace

}  // namespace kiln::rt

extern "C" int kiln_runtime_drive(const KilnDriveRequest* request) {
  int code = kiln::kExitInternalError;
  try {
    kiln::run_with_large_stack([&] { code = kiln::rt::drive(*request); });
  } catch (const kiln::rt::InternalError& e) {
    std::fflush(stdout);
    std::cerr << "kiln: " << e.what() << "\n";  // already says what it is and asks for a report
    code = kiln::kExitInternalError;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::cerr << "kiln: internal error: " << e.what()
              << "\nThis is a bug in Kiln; please report it with the program that caused it.\n";
    code = kiln::kExitInternalError;
  }
  return code;
}
