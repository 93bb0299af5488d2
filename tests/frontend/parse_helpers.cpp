#include "parse_helpers.h"

#include "ast_dump.h"
#include "frontend/large_stack.h"
#include "frontend/parse.h"

namespace kiln::testing {

Parsed::~Parsed() {
  if (module) run_with_large_stack([this] { module.reset(); }, kFrontEndStack);
}

std::unique_ptr<Parsed> parse(const std::string& text) {
  auto parsed = std::make_unique<Parsed>();
  parsed->file = parsed->sources.add("test.ppl", text);
  run_with_large_stack(
      [&] { parsed->module = parse_module(parsed->sources, parsed->file, parsed->diags); },
      kFrontEndStack);
  return parsed;
}

std::string diagnostics(const Parsed& parsed) { return diagnostics(parsed.diags); }

std::string diagnostics(const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags.all()) {
    if (!out.empty()) out += "\n";
    if (d.severity == Severity::kWarning) out += "warning: ";
    out += std::to_string(d.range.line) + ":" + std::to_string(d.range.col) + ": " + d.message;
  }
  return out;
}

std::string dump(const std::string& text) {
  auto parsed = parse(text);
  if (parsed->diags.has_errors() || !parsed->module) return "ERRORS: " + diagnostics(*parsed);
  return dump_block(parsed->module->body);
}

std::string dump_one(const std::string& text) {
  auto parsed = parse(text);
  if (parsed->diags.has_errors() || !parsed->module) return "ERRORS: " + diagnostics(*parsed);
  if (parsed->module->body.size() != 1)
    return "NOT ONE STATEMENT: " + dump_block(parsed->module->body);
  return dump_stmt(*parsed->module->body[0]);
}

std::string errors_of(const std::string& text) { return diagnostics(*parse(text)); }

std::string first_error(const std::string& text) {
  auto parsed = parse(text);
  for (const Diagnostic& d : parsed->diags.all()) {
    if (d.severity == Severity::kError) {
      return std::to_string(d.range.line) + ":" + std::to_string(d.range.col) + ": " + d.message;
    }
  }
  return "no error";
}

}  // namespace kiln::testing
