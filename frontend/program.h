// A checked program: the main file and every file it imports, parsed,
// name-resolved and checked, ready for lowering. Also the unit the REPL grows
// one input at a time (globals persist across add_source calls).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/source.h"

namespace kiln {

// Names of the program's global slots; shared by every module (an import
// brings the imported file's top-level names into the importer's namespace).
class GlobalTable {
 public:
  uint32_t intern(const std::string& name);
  const uint32_t* find(const std::string& name) const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<std::string> names_;
};

struct Program {
  SourceManager sources;
  // Imported modules come before the modules that import them.
  std::vector<std::unique_ptr<ast::Module>> modules;
  GlobalTable globals;
  // Global slot -> the Def bound to it when that is its only assignment, for
  // static arity checks of calls.
  std::unordered_map<uint32_t, const ast::Def*> global_defs;
  std::unordered_map<std::string, uint32_t> module_by_path;  // resolved path -> module index
  // Modules that failed to check. Kept alive because global_defs may point
  // into them (a REPL session goes on after an error).
  std::vector<std::unique_ptr<ast::Module>> rejected;
};

// Loads, parses, resolves and checks the file `path` (or `text` if given, with
// `path` used only for messages and resolving imports), appending it and the
// files it imports to `program`. Returns the index of the new module, or -1
// when there were errors (all reported to `diags`).
struct SourceOptions {
  // A file that was loaded before is loaded and run again (the REPL's :load)
  // instead of being shared.
  bool reload = false;
  // A trailing top-level expression statement becomes `_ = expression` and
  // the module is marked echo_result (REPL input).
  bool echo_result = false;
};

int add_source(Program& program, const std::string& path, const std::string* text,
               Diagnostics& diags, const SourceOptions& options = {});

}  // namespace kiln
