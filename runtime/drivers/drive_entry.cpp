// kiln_runtime_drive (runtime/entry.h): the one entry point of the commands
// that run a model of a .ppl file. Adding a command: its function in
// commands.h, a file of its own, a row in kCommands.
#include <string_view>

#include "runtime/drivers/commands.h"
#include "runtime/entry.h"
#include "runtime/entry_guard.h"
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
    {"nuts", &nuts_command},
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
  return kiln::rt::run_entry_point([&] { return kiln::rt::drive(*request); });
}
