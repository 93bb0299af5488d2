#include "frontend/program.h"

#include <filesystem>
#include <unordered_set>

#include "frontend/parse.h"
#include "frontend/resolver.h"

namespace kiln {

uint32_t GlobalTable::intern(const std::string& name) {
  auto [it, inserted] = index_.emplace(name, static_cast<uint32_t>(names_.size()));
  if (inserted) names_.push_back(name);
  return it->second;
}

const uint32_t* GlobalTable::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &it->second;
}

namespace {

namespace fs = std::filesystem;

class Loader {
 public:
  Loader(Program& program, Diagnostics& diags, bool echo_main)
      : program_(program), diags_(diags), echo_main_(echo_main) {}

  // Returns the module index, or -1 on errors.
  int load(const std::string& path, const std::string* text, const SourceRange& imported_at,
           bool reload = false) {
    // Files are known by canonical path, also the main file given as text,
    // so a cycle back to it is caught at once.
    bool is_file = path != "<stdin>" && path != "<repl>";
    std::string key = is_file ? canonical(path) : path + "#" + std::to_string(program_.sources.size());
    if (!reload) {
      auto done = program_.module_by_path.find(key);
      if (done != program_.module_by_path.end()) return static_cast<int>(done->second);
      if (in_progress_.count(key)) {
        diags_.error(imported_at, "import cycle: '" + path + "' is already being imported",
                     "move the shared definitions into a third file that both import");
        return -1;
      }
    }
    std::string source;
    if (text) {
      source = *text;
    } else {
      std::string error;
      if (!read_file(path, source, error)) {
        diags_.error(imported_at, error, imported_at.valid() ? "import paths are relative to the importing file" : "");
        return -1;
      }
    }
    uint32_t file_id = program_.sources.add(path, std::move(source));
    size_t errors_before = diags_.error_count();
    std::unique_ptr<ast::Module> module = parse_module(program_.sources, file_id, diags_);
    // A module with errors from the AST builder (bad assignment targets,
    // oversized literals, ...) is still complete: resolve it too, so one run
    // reports every error, but never hand it on.
    if (!module) return -1;
    module->file = file_id;
    module->path = path;
    if (echo_main_ && !imported_at.valid()) rewrite_trailing_expression(*module);

    in_progress_.insert(key);
    bool imports_ok = load_imports(*module, path);
    in_progress_.erase(key);

    // Names from a file that failed to load would all look undefined: stop
    // here rather than bury the real error under the cascade.
    if (!imports_ok) return -1;
    declare_globals(program_, *module);
    resolve_module(program_, *module, diags_);
    if (diags_.error_count() > errors_before) {  // includes parse-time errors
      program_.rejected.push_back(std::move(module));
      return -1;
    }

    program_.modules.push_back(std::move(module));
    uint32_t index = static_cast<uint32_t>(program_.modules.size() - 1);
    program_.module_by_path[key] = index;
    return static_cast<int>(index);
  }

 private:
  static std::string canonical(const std::string& path) {
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::path(path), ec);
    return ec ? path : p.string();
  }

  bool load_imports(ast::Module& module, const std::string& importer) {
    bool ok = true;
    fs::path base = fs::path(importer).parent_path();
    for (ast::StmtPtr& s : module.body) {
      if (s->kind != ast::StmtKind::kImport) continue;
      auto& imp = s->as<ast::Import>();
      fs::path target = fs::path(imp.path);
      if (target.is_relative() && importer != "<stdin>" && importer != "<repl>") target = base / target;
      imp.resolved = target.string();
      int index = load(imp.resolved, nullptr, s->range);
      if (index < 0) {
        ok = false;
        continue;
      }
      imp.module_index = static_cast<uint32_t>(index);
    }
    return ok;
  }

  // `expr` as the last statement becomes `_ = expr` (REPL echo).
  static void rewrite_trailing_expression(ast::Module& module) {
    if (module.body.empty() || module.body.back()->kind != ast::StmtKind::kExpr) return;
    auto& stmt = module.body.back()->as<ast::ExprStmt>();
    auto assign = std::make_unique<ast::Assign>();
    assign->range = stmt.range;
    auto target = std::make_unique<ast::Name>();
    target->id = "_";
    target->range = stmt.range;
    assign->targets.push_back(std::move(target));
    assign->value = std::move(stmt.value);
    module.body.back() = std::move(assign);
    module.echo_result = true;
  }

  Program& program_;
  Diagnostics& diags_;
  bool echo_main_;
  std::unordered_set<std::string> in_progress_;
};

}  // namespace

int add_source(Program& program, const std::string& path, const std::string* text,
               Diagnostics& diags, const SourceOptions& options) {
  Loader loader(program, diags, options.echo_result);
  int index = loader.load(path, text, SourceRange{}, options.reload);
  diags.sort();
  return index;
}

}  // namespace kiln
