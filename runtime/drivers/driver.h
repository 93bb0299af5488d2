// What the model-driving commands (`kiln render`, later `kiln svi` and
// `kiln nuts`) share: the parsed request, loading a .ppl file without running
// its main block, finding the model by name, building its arguments from the
// command line and a data file, and reporting errors as `kiln run` does.
//
//   int my_command(const DriveRequest& request) {
//     LoadedProgram program;
//     if (int code = program.load(request); code != kExitOk) return code;
//     return program.run_reporting([&] {
//       const Value& model = program.function(request.options.string("model"));
//       ArgList args = model_arguments(model, request.args, request.options.string("data"));
//       ...                                    // throw UsageError for bad options
//       return kExitOk;
//     });
//   }
//
// A command is registered in drive_entry.cpp. Everything runs on the thread
// and large stack kiln_runtime_drive provides; output goes to stdout and
// errors to stderr, as for `kiln run`.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "frontend/program.h"
#include "ir/ir.h"
#include "runtime/call_args.h"
#include "runtime/entry.h"
#include "runtime/errors.h"
#include "runtime/interpreter.h"

namespace kiln::rt {

// A KilnError the user caused through the command line or a data file
// rather than through the program: reported the same way, exit code 2.
class UsageError : public KilnError {
 public:
  using KilnError::KilnError;
};

// Runs f, turning a KilnError it raises into a UsageError (for stdlib calls
// that check what came from the command line, e.g. an output file's format).
template <class F>
auto as_usage_error(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const UsageError&) {
    throw;
  } catch (const KilnError& e) {
    throw UsageError(e.what(), e.hint());
  }
}

// A command's options, as the CLI sends them: a JSON object of option name
// -> string, bool or number ({"model": "model", "params": true}). Options
// the CLI did not send are absent: the accessors return their fallback.
class CommandOptions {
 public:
  // Throws InternalError if `json` is not such an object: the CLI wrote it.
  static CommandOptions parse(const char* json);

  bool has(std::string_view name) const;
  // The accessors throw InternalError if the option has another type.
  std::string string(std::string_view name, const std::string& fallback = "") const;
  bool flag(std::string_view name) const;  // false when absent
  int64_t integer(std::string_view name, int64_t fallback) const;
  double number(std::string_view name, double fallback) const;  // ints convert

 private:
  using Option = std::variant<std::string, bool, int64_t, double>;
  const Option* find(std::string_view name) const;
  std::map<std::string, Option, std::less<>> options_;
};

// kiln_runtime_drive's request in C++ terms.
struct DriveRequest {
  std::string command;
  std::string path;
  CommandOptions options;
  std::vector<std::string> args;  // the model's positional arguments, as typed
  std::optional<uint64_t> seed;
  bool color = false;
  bool validate = true;

  // Copies `request`; throws InternalError on malformed options.
  static DriveRequest from_c(const KilnDriveRequest& request);
};

// A .ppl file compiled and loaded: its top level has run with __name__ set
// to the file's stem (not "__main__"), so its functions are defined and its
// `if __name__ == "__main__":` block has not run. Not movable: the
// interpreter points into the program.
class LoadedProgram {
 public:
  LoadedProgram() = default;
  LoadedProgram(const LoadedProgram&) = delete;
  LoadedProgram& operator=(const LoadedProgram&) = delete;

  // Sets the seed, validation, argv (the request's args) and __name__;
  // reads, checks, lowers and runs the file's top level. Prints diagnostics
  // and errors; returns kExitOk, or the exit code to stop with.
  int load(const DriveRequest& request);

  // Runs `body` with this program's interpreter current (so it may call
  // .ppl functions) and returns its exit code. A KilnError escaping it is
  // printed with the .ppl call stack and becomes exit code 2 (UsageError),
  // 130 (Ctrl-C) or 3; the handler stack is unwound to where it was.
  int run_reporting(const std::function<int()>& body);

  // The function `name` among the program's globals. Raises UsageError
  // naming the file and listing its functions if there is none.
  const Value& function(const std::string& name) const;
  // The names of the global functions, in definition order.
  std::vector<std::string> function_names() const;

  const std::string& path() const { return path_; }
  const SourceManager& sources() const { return program_.sources; }

 private:
  std::string path_;
  Program program_;
  ir::Program lowered_;
  std::unique_ptr<Interpreter> interpreter_;
  bool color_ = false;
};

// The model's arguments: `positional` (each parsed as an int literal, else
// a float literal, else kept as a str) fill its first parameters in order;
// the others are taken by name from the data file at `data_path` (.json or
// .csv, model_data.h; "" for none) or left to their defaults. Fields of the
// file that name no parameter are ignored, as CmdStan ignores extra data.
// Raises UsageError for too many positional arguments, a parameter with no
// default that neither gives (naming it and listing the file's fields), or
// an unreadable data file. `model` must be a .ppl function.
ArgList model_arguments(const Value& model, const std::vector<std::string>& positional,
                        const std::string& data_path);

// A command-line argument as a value: 3 -> int, 2.5 or 1e-3 -> float,
// anything else (including "inf") -> str.
Value parse_argument(const std::string& text);

}  // namespace kiln::rt
