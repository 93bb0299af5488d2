#include "runtime/repl/session.h"

#include <cstdio>
#include <iostream>

#include "cli/exit_codes.h"
#include "frontend/builtins.h"
#include "ir/lower.h"
#include "ir/passes.h"
#include "ir/print.h"
#include "runtime/error_report.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/interrupt.h"
#include "runtime/param_store.h"
#include "runtime/repl/site_recorder.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/distributions/constraint.h"

namespace kiln::rt {

ReplSession::ReplSession(bool color) : color_(color) { reset(); }

ReplSession::~ReplSession() = default;

void ReplSession::reset() {
  interpreter_.reset();
  lowered_ = std::make_unique<ir::Program>();
  program_ = std::make_unique<Program>();
  interpreter_ = std::make_unique<Interpreter>(*lowered_);
  ParamStore::global().clear();
}

int ReplSession::eval(const std::string& text) {
  SourceOptions options;
  options.echo_result = true;
  return run_input("<repl>", text, options, false);
}

int ReplSession::load(const std::string& path) {
  std::string text, error;
  if (!read_file(path, text, error)) {
    std::cerr << "error: " << error << "\n";
    return kExitUsage;
  }
  SourceOptions options;
  options.reload = true;
  return run_input(path, text, options, false);
}

int ReplSession::trace(const std::string& expression) {
  SourceOptions options;
  options.echo_result = true;
  return run_input("<repl>", expression, options, true);
}

int ReplSession::run_input(const std::string& path, const std::string& text, const SourceOptions& options,
                           bool trace) {
  clear_interrupt();
  Diagnostics diags;
  size_t first_module = program_->modules.size();
  int module = add_source(*program_, path, &text, diags, options);
  print_diagnostics(std::cerr, program_->sources, diags, color_);
  if (module < 0) return kExitCompileError;

  auto first_function = static_cast<uint32_t>(lowered_->functions.size());
  for (size_t m = first_module; m < program_->modules.size(); ++m) {
    ir::lower_module(*program_, static_cast<uint32_t>(m), *lowered_);
  }
  ir::run_passes(*lowered_, first_function);

  SiteRecorder recorder;
  try {
    if (trace) {
      HandlerScope scope(recorder);
      interpreter_->run_module(static_cast<uint32_t>(module));
    } else {
      interpreter_->run_module(static_cast<uint32_t>(module));
    }
  } catch (const KilnError& e) {
    std::fflush(stdout);
    print_runtime_error(std::cerr, program_->sources, e, color_);
    return kExitRuntimeError;
  }
  std::fflush(stdout);
  if (trace) recorder.print(std::cout);
  if (program_->modules[static_cast<size_t>(module)]->echo_result) {
    const uint32_t* slot = program_->globals.find("_");
    if (slot) echo(interpreter_->global(*slot));
  }
  return kExitOk;
}

void ReplSession::echo(const Value& v) const {
  if (v.is_none() || v.is_unbound()) return;
  std::cout << to_repr(v) << "\n";
  if (is_tensor(v)) {
    // Shape and dtype on their own line, as the first thing a modeller checks.
    std::cout << "shape " << to_str(get_attr(v, "shape")) << ", dtype " << to_str(get_attr(v, "dtype")) << "\n";
  }
  std::cout.flush();
}

int ReplSession::print_ir(const std::string& name, std::ostream& out) const {
  int found = 0;
  for (uint32_t f = 0; f < lowered_->functions.size(); ++f) {
    const std::string& fn = lowered_->functions[f]->name;
    bool match = fn == name || (fn.size() > name.size() && fn.compare(fn.size() - name.size(), name.size(), name) == 0 &&
                                fn[fn.size() - name.size() - 1] == '.');
    if (!match) continue;
    ir::print_function(out, *lowered_, f);
    ++found;
  }
  if (!found) {
    std::cerr << "error: no function named '" << name << "' in this session\n";
    return kExitUsage;
  }
  return kExitOk;
}

void ReplSession::print_params(std::ostream& out) const {
  ParamStore& store = ParamStore::global();
  if (store.size() == 0) {
    out << "(the param store is empty)\n";
    return;
  }
  for (const std::string& name : store.names()) {
    // The value param(name) returns, shown without its autograd history.
    Value t = make_tensor(store.constrained(name).detach());
    out << name << ": shape " << to_str(get_attr(t, "shape")) << ", dtype " << to_str(get_attr(t, "dtype"))
        << ", constraint " << as_constraint(store.constraint(name))->name() << "\n";
    out << "  " << to_str(t) << "\n";
  }
}

std::vector<std::string> ReplSession::completions(const std::string& prefix) const {
  std::vector<std::string> out;
  auto consider = [&](std::string_view name) {
    if (name.substr(0, prefix.size()) == prefix && (name.empty() || name[0] != '_' || !prefix.empty()))
      out.emplace_back(name);
  };
  for (const std::string& g : program_->globals.names()) consider(g);
  for (const BuiltinInfo& b : builtin_table()) consider(b.name);
  for (std::string_view k : keyword_list()) consider(k);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace kiln::rt
