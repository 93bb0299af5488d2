#include "frontend/call_checks.h"

#include <algorithm>
#include <cctype>

namespace kiln {

using namespace ast;

std::string count_args(size_t n) {
  return std::to_string(n) + (n == 1 ? " argument" : " arguments");
}

namespace {

size_t positional_count(const std::vector<Argument>& args) {
  return static_cast<size_t>(std::count_if(args.begin(), args.end(),
                                           [](const Argument& a) { return a.keyword.empty(); }));
}

const SourceRange& keyword_range(const Argument& a) {
  return a.keyword_range.valid() ? a.keyword_range : a.value->range;
}

std::string join(const std::vector<std::string_view>& words, const char* prefix, const char* suffix,
                 const char* last_separator = " or ") {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += i + 1 == words.size() ? last_separator : ", ";
    out += prefix;
    out += words[i];
    out += suffix;
  }
  return out;
}

// Keyword arguments of an effect keyword must come from `allowed`.
void check_keywords(const std::vector<Argument>& args, const char* keyword,
                    const std::vector<std::string_view>& allowed, Diagnostics& diags) {
  for (const Argument& a : args) {
    if (a.keyword.empty()) continue;
    if (std::find(allowed.begin(), allowed.end(), a.keyword) != allowed.end()) continue;
    std::string expected =
        allowed.empty() ? "it takes no keyword arguments" : "expected " + join(allowed, "", "=");
    diags.error(keyword_range(a), std::string(keyword) + "() got an unexpected keyword argument '" +
                                      a.keyword + "'",
                expected);
  }
}

// The site name: must be present; if it is a literal it must be a string.
void check_site_name(const std::vector<Argument>& args, const char* keyword, const SourceRange& at,
                     const char* example, Diagnostics& diags) {
  if (args.empty() || !args[0].keyword.empty()) {
    diags.error(at, std::string(keyword) + "() needs a site name as its first argument",
                std::string("for example ") + example);
    return;
  }
  const Expr& name = *args[0].value;
  switch (name.kind) {
    case ExprKind::kInt:
    case ExprKind::kFloat:
    case ExprKind::kBool:
    case ExprKind::kNone:
    case ExprKind::kList:
    case ExprKind::kTuple:
    case ExprKind::kDict:
      diags.error(name.range, std::string("the site name of ") + keyword + "() must be a string",
                  "use a string literal or an f-string such as f\"x{i}\"");
      break;
    default:
      break;
  }
}

}  // namespace

void check_builtin_call(const Call& call, const BuiltinInfo& builtin, Diagnostics& diags) {
  if (builtin.kind == BuiltinKind::kConstant) {
    diags.error(call.callee->range, "'" + std::string(builtin.name) + "' is a constant, not a function");
    return;
  }
  size_t npos = positional_count(call.args);
  std::string name(builtin.name);
  bool unknown_keyword = false;
  for (const Argument& a : call.args) {
    if (a.keyword.empty() || builtin.accepts_keyword(a.keyword)) continue;
    unknown_keyword = true;
    std::string hint = builtin.keywords.empty() ? name + "() takes no keyword arguments"
                                                : "expected " + join(builtin.keywords, "", "=");
    diags.error(keyword_range(a), name + "() got an unexpected keyword argument '" + a.keyword + "'",
                hint);
  }
  // With a misnamed keyword the positional count is usually off too; one error is enough.
  if (unknown_keyword) return;
  if (static_cast<int>(npos) < builtin.min_args ||
      (builtin.max_args >= 0 && static_cast<int>(npos) > builtin.max_args)) {
    std::string expected;
    if (builtin.max_args < 0) {
      expected = "at least " + count_args(builtin.min_args);
    } else if (builtin.min_args == builtin.max_args) {
      expected = count_args(builtin.min_args);
    } else {
      expected = "from " + std::to_string(builtin.min_args) + " to " + count_args(builtin.max_args);
    }
    diags.error(call.range,
                name + "() takes " + expected + " but " + std::to_string(npos) +
                    (npos == 1 ? " was" : " were") + " given",
                name + ": " + std::string(builtin.summary));
  }
}

void check_user_call(const Call& call, const Def& def, Diagnostics& diags) {
  size_t npos = positional_count(call.args);
  const auto& params = def.params;
  if (npos > params.size()) {
    diags.error(call.range, def.name + "() takes " + count_args(params.size()) + " but " +
                                std::to_string(npos) + (npos == 1 ? " was" : " were") + " given");
    return;
  }
  std::vector<bool> filled(params.size(), false);
  for (size_t i = 0; i < npos; ++i) filled[i] = true;
  for (const Argument& a : call.args) {
    if (a.keyword.empty()) continue;
    auto it = std::find_if(params.begin(), params.end(),
                           [&](const Parameter& p) { return p.name == a.keyword; });
    if (it == params.end()) {
      std::vector<std::string_view> names;
      for (const Parameter& p : params) names.push_back(p.name);
      diags.error(keyword_range(a),
                  def.name + "() got an unexpected keyword argument '" + a.keyword + "'",
                  names.empty() ? def.name + "() takes no arguments" : "its parameters are " + join(names, "", "", " and "));
      continue;
    }
    size_t index = static_cast<size_t>(it - params.begin());
    if (filled[index]) {
      diags.error(keyword_range(a), def.name + "() got multiple values for argument '" + a.keyword + "'");
    }
    filled[index] = true;
  }
  std::vector<std::string_view> missing;
  for (size_t i = 0; i < params.size(); ++i)
    if (!filled[i] && !params[i].default_value) missing.push_back(params[i].name);
  if (!missing.empty()) {
    diags.error(call.range, def.name + "() missing " + std::to_string(missing.size()) +
                                " required argument" + (missing.size() == 1 ? "" : "s") + ": " +
                                join(missing, "'", "'", " and "));
  }
}

void check_sample_args(const Sample& site, Diagnostics& diags) {
  const char* example = "sample(\"z\", Normal(0.0, 1.0))";
  check_site_name(site.args, "sample", site.range, example, diags);
  size_t npos = positional_count(site.args);
  bool first_is_distribution = !site.args.empty() && site.args[0].keyword.empty() &&
                               site.args[0].value->kind == ExprKind::kCall &&
                               site.args[0].value->as<Call>().callee->kind == ExprKind::kName &&
                               std::isupper(static_cast<unsigned char>(
                                   site.args[0].value->as<Call>().callee->as<Name>().id[0]));
  if (npos == 1 && first_is_distribution) {
    diags.error(site.args[0].value->range, "sample() needs a site name before the distribution",
                std::string("for example ") + example);
  } else if (npos == 1) {
    diags.error(site.range, "sample() is missing its distribution",
                std::string("give the distribution after the name: ") + example);
  } else if (npos > 2) {
    diags.error(site.args[2].value->range, "sample() takes a site name and a distribution",
                "pass an observed value as obs=..., e.g. sample(\"x\", Normal(mu, 1.0), obs=data)");
  }
  check_keywords(site.args, "sample", {"obs", "infer"}, diags);
}

void check_observe_args(const Observe& site, Diagnostics& diags) {
  const char* example = "observe(\"x\", Normal(mu, 1.0), data)";
  check_site_name(site.args, "observe", site.range, example, diags);
  size_t npos = positional_count(site.args);
  if (npos >= 1 && npos != 3) {
    diags.error(site.range,
                "observe() takes a site name, a distribution and the observed value (" +
                    std::to_string(npos) + " given)",
                std::string("for example ") + example);
  }
  check_keywords(site.args, "observe", {}, diags);
}

void check_param_args(const Param& site, Diagnostics& diags) {
  const char* example = "param(\"w\", zeros(3))";
  check_site_name(site.args, "param", site.range, example, diags);
  size_t npos = positional_count(site.args);
  if (npos > 2) {
    diags.error(site.args[2].value->range, "param() takes a name and an initial value",
                "pass options by keyword: constraint=..., event_dim=...");
  }
  check_keywords(site.args, "param", {"constraint", "event_dim"}, diags);
}

void check_plate_args(const Plate& site, Diagnostics& diags) {
  const char* example = "plate(\"data\", N)";
  check_site_name(site.args, "plate", site.range, example, diags);
  size_t npos = positional_count(site.args);
  bool has_size = npos >= 2 || std::any_of(site.args.begin(), site.args.end(), [](const Argument& a) {
                    return a.keyword == "size" || a.keyword == "subsample";
                  });
  if (npos >= 1 && !has_size) {
    diags.error(site.range, "plate() needs a size", std::string("for example ") + example);
  }
  if (npos > 2) {
    diags.error(site.args[2].value->range, "plate() takes a name and a size",
                "pass options by keyword: subsample_size=..., subsample=..., dim=...");
  }
  check_keywords(site.args, "plate", {"size", "subsample_size", "subsample", "dim"}, diags);
}

void check_sequential_plate_args(const Plate& site, Diagnostics& diags) {
  bool has_size = false;
  for (size_t k = 1; k < site.args.size(); ++k) {
    const Argument& a = site.args[k];
    if (a.keyword.empty() || a.keyword == "size") {
      has_size = true;
    } else {
      diags.error(keyword_range(a), "a sequential plate takes only a name and a size",
                  "use `with plate(\"" + std::string("name") + "\", size, " + a.keyword +
                      "=...) as idx:` to subsample or choose a dim");
    }
  }
  if (!has_size && !site.args.empty() && site.args[0].keyword.empty()) {
    diags.error(site.range, "a sequential plate needs a size", "for example: for i in plate(\"steps\", T):");
  }
}

}  // namespace kiln
