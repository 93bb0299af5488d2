#include "runtime/drivers/driver.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "frontend/diagnostics.h"
#include "ir/lower.h"
#include "ir/passes.h"
#include "runtime/builtin_registry.h"
#include "runtime/drivers/model_data.h"
#include "runtime/effects.h"
#include "runtime/error_report.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/interrupt.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// `text` without a leading '+' before a digit or point (C++'s from_chars
// takes no sign but '-').
std::string_view unsigned_plus(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' &&
      (std::isdigit(static_cast<unsigned char>(text[1])) || text[1] == '.'))
    text.remove_prefix(1);
  return text;
}

}  // namespace

// ---- CommandOptions

CommandOptions CommandOptions::parse(const char* json_text) {
  using json = nlohmann::json;
  const json parsed = json::parse(json_text ? json_text : "{}", nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object())
    throw InternalError("kiln_runtime_drive: the command's options are not a JSON object");
  CommandOptions options;
  for (const auto& [name, value] : parsed.items()) {
    if (value.is_null()) continue;
    if (value.is_string()) {
      options.options_.emplace(name, value.get<std::string>());
    } else if (value.is_boolean()) {
      options.options_.emplace(name, value.get<bool>());
    } else if (value.is_number_integer()) {
      options.options_.emplace(name, value.get<int64_t>());
    } else if (value.is_number()) {
      options.options_.emplace(name, value.get<double>());
    } else {
      throw InternalError("kiln_runtime_drive: option '" + name + "' is not a string, bool or number");
    }
  }
  return options;
}

const CommandOptions::Option* CommandOptions::find(std::string_view name) const {
  auto it = options_.find(name);
  return it == options_.end() ? nullptr : &it->second;
}

bool CommandOptions::has(std::string_view name) const { return find(name) != nullptr; }

std::string CommandOptions::string(std::string_view name, const std::string& fallback) const {
  const Option* o = find(name);
  if (o == nullptr) return fallback;
  if (const auto* s = std::get_if<std::string>(o)) return *s;
  throw InternalError("kiln_runtime_drive: option '" + std::string(name) + "' is not a string");
}

bool CommandOptions::flag(std::string_view name) const {
  const Option* o = find(name);
  if (o == nullptr) return false;
  if (const auto* b = std::get_if<bool>(o)) return *b;
  throw InternalError("kiln_runtime_drive: option '" + std::string(name) + "' is not a bool");
}

int64_t CommandOptions::integer(std::string_view name, int64_t fallback) const {
  const Option* o = find(name);
  if (o == nullptr) return fallback;
  if (const auto* i = std::get_if<int64_t>(o)) return *i;
  throw InternalError("kiln_runtime_drive: option '" + std::string(name) + "' is not an int");
}

double CommandOptions::number(std::string_view name, double fallback) const {
  const Option* o = find(name);
  if (o == nullptr) return fallback;
  if (const auto* d = std::get_if<double>(o)) return *d;
  if (const auto* i = std::get_if<int64_t>(o)) return static_cast<double>(*i);
  throw InternalError("kiln_runtime_drive: option '" + std::string(name) + "' is not a number");
}

// ---- DriveRequest

DriveRequest DriveRequest::from_c(const KilnDriveRequest& request) {
  DriveRequest r;
  r.command = request.command ? request.command : "";
  r.path = request.path ? request.path : "";
  r.options = CommandOptions::parse(request.options_json);
  for (int i = 0; i < request.argc; ++i) r.args.emplace_back(request.argv[i]);
  if (request.has_seed) r.seed = request.seed;
  r.color = request.color != 0;
  r.validate = request.validate != 0;
  return r;
}

// ---- LoadedProgram

int LoadedProgram::load(const DriveRequest& request) {
  path_ = request.path;
  color_ = request.color;
  std::string text, error;
  if (!read_file(path_, text, error)) {
    std::cerr << "kiln: error: " << error << "\n";
    return kExitUsage;
  }
  Diagnostics diags;
  const int main_module = add_source(program_, path_, &text, diags);
  print_diagnostics(std::cerr, program_.sources, diags, color_);
  if (main_module < 0) return kExitCompileError;
  ir::lower_program(program_, lowered_);
  ir::run_passes(lowered_);

  std::vector<Value> argv;
  for (const std::string& a : request.args) argv.push_back(make_str(a));
  register_constant(BuiltinId::k_argv, make_list(std::move(argv)));
  // Python's convention: the main block runs only when the file is the
  // program, and a driver only borrows the file's functions.
  register_constant(BuiltinId::k___name__, make_str(std::filesystem::path(path_).stem().string()));
  if (request.seed) set_global_seed(*request.seed);
  set_validation_enabled(request.validate);

  interpreter_ = std::make_unique<Interpreter>(lowered_);
  return run_reporting([&] {
    interpreter_->run_module(lowered_.main_module);
    return static_cast<int>(kExitOk);
  });
}

int LoadedProgram::run_reporting(const std::function<int()>& body) {
  KILN_ASSERT(interpreter_ != nullptr, "LoadedProgram::run_reporting before a successful load");
  CurrentInterpreter current(interpreter_.get());
  const size_t handler_depth = handler_stack_depth();
  try {
    const int code = body();
    std::cout.flush();
    std::fflush(stdout);
    return code;
  } catch (const KilnError& e) {
    unwind_handler_stack(handler_depth);
    std::cout.flush();
    std::fflush(stdout);
    print_runtime_error(std::cerr, program_.sources, e, color_);
    if (dynamic_cast<const UsageError*>(&e) != nullptr) return kExitUsage;
    if (dynamic_cast<const Interrupted*>(&e) != nullptr) return kExitInterrupted;
    return kExitRuntimeError;
  }
}

std::vector<std::string> LoadedProgram::function_names() const {
  std::vector<std::string> names;
  if (!interpreter_) return names;
  for (uint32_t slot = 0; slot < lowered_.global_names.size(); ++slot)
    if (interpreter_->global(slot).is(ObjKind::kFunction)) names.push_back(lowered_.global_names[slot]);
  return names;
}

const Value& LoadedProgram::function(const std::string& name) const {
  KILN_ASSERT(interpreter_ != nullptr, "LoadedProgram::function before a successful load");
  const std::vector<std::string> functions = function_names();
  const std::string listing = functions.empty() ? "it defines no functions" : "functions: " + join(functions);
  const auto& globals = lowered_.global_names;
  const auto slot = std::find(globals.begin(), globals.end(), name);
  if (slot != globals.end()) {
    const Value& value = interpreter_->global(static_cast<uint32_t>(slot - globals.begin()));
    if (value.is(ObjKind::kFunction)) return value;
    if (!value.is_unbound())
      throw UsageError("'" + name + "' in " + path_ + " is a " + type_name(value) + ", not a function; " +
                       listing);
  }
  const std::string closest = closest_name(name, functions);
  throw UsageError("no function '" + name + "' in " + path_ + "; " + listing,
                   closest.empty() ? "" : "did you mean '" + closest + "'?");
}

// ---- the model's arguments

Value parse_argument(const std::string& text) {
  const std::string_view digits = unsigned_plus(text);
  const char* end = digits.data() + digits.size();
  int64_t i = 0;
  if (auto [ptr, ec] = std::from_chars(digits.data(), end, i);
      ec == std::errc() && ptr == end && !digits.empty())
    return Value(i);
  // from_chars also reads "inf" and "nan", which are not Python literals.
  const bool has_digit = std::any_of(digits.begin(), digits.end(),
                                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  double d = 0;
  if (auto [ptr, ec] = std::from_chars(digits.data(), end, d); ec == std::errc() && ptr == end && has_digit)
    return Value(d);
  return make_str(text);
}

ArgList model_arguments(const Value& model, const std::vector<std::string>& positional,
                        const std::string& data_path) {
  KILN_ASSERT(model.is(ObjKind::kFunction), "model_arguments: the model is not a .ppl function");
  const ir::Function& fn = *model.as<FunctionObject>()->function;
  const std::vector<ir::Parameter>& params = fn.params;
  if (positional.size() > params.size()) {
    std::vector<std::string> names;
    for (const ir::Parameter& p : params) names.push_back(p.name);
    throw UsageError(fn.name + "() takes " + std::to_string(params.size()) + " argument" +
                         (params.size() == 1 ? "" : "s") + " but " + std::to_string(positional.size()) +
                         (positional.size() == 1 ? " was" : " were") + " given after --",
                     names.empty() ? "" : "its parameters are: " + join(names));
  }
  ArgList args;
  for (const std::string& text : positional) args.push(parse_argument(text));

  const ModelData data = data_path.empty() ? ModelData() : read_model_data(data_path);
  std::vector<std::string> missing;
  for (size_t p = positional.size(); p < params.size(); ++p) {
    if (const Value* value = data.find(params[p].name)) {
      args.push_kw(params[p].name, *value);
    } else if (!params[p].has_default) {
      missing.push_back("'" + params[p].name + "'");
    }
  }
  if (missing.empty()) return args;
  const std::string what =
      fn.name + "() needs " + (missing.size() == 1 ? "argument " : "arguments ") + join(missing);
  if (data_path.empty())
    throw UsageError(what + ", and no --data file was given",
                     "give the model's arguments in a data file (--data data.json) or after --");
  const std::vector<std::string> fields = data.names();
  throw UsageError(what + ", which " + (missing.size() == 1 ? "is" : "are") + " not in " + data_path + " (" +
                       (fields.empty() ? "it has no fields" : "its fields: " + join(fields)) + ")",
                   "add the field to the data file, or give the value after --");
}

KILN_REGISTER_BUILTINS { register_constant(BuiltinId::k___name__, make_str("__main__")); }

}  // namespace kiln::rt
