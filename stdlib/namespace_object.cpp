#include "stdlib/namespace_object.h"

#include "frontend/diagnostics.h"
#include "runtime/errors.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

NamespaceObject::NamespaceObject(std::string name, std::string member_kind)
    : Object(ObjKind::kNative), name_(std::move(name)), member_kind_(std::move(member_kind)) {}

void NamespaceObject::add(std::string name, Value member) {
  make_immortal(member);
  members_.emplace_back(std::move(name), std::move(member));
}

void NamespaceObject::add_function(const std::string& name, NativeFn fn) {
  add(name, make_value(new BuiltinObject(name_ + "." + name, fn)));
}

Value NamespaceObject::get_attr(std::string_view attr) const {
  for (const auto& [name, member] : members_)
    if (name == attr) return member;
  std::vector<std::string> names;
  for (const auto& member : members_) names.push_back(member.first);
  const std::string best = closest_name(std::string(attr), names);
  raise(name_ + " has no " + member_kind_ + " '" + std::string(attr) + "'",
        best.empty() ? "" : "did you mean '" + best + "'?");
}

Value NamespaceObject::call_method(std::string_view method, const CallArgs& args) {
  return call_value(get_attr(method), args);
}

}  // namespace kiln::rt
