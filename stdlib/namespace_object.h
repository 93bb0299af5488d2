// A language namespace such as `constraints` or `transforms`: a fixed set
// of named members, read as attributes (constraints.positive) or called as
// methods (constraints.interval(0.0, 1.0)). An unknown name is a KilnError
// with a hint: "constraints has no constraint 'postive'" / "did you mean
// 'positive'?". The namespace is one immortal object shared by every
// thread, and make_immortal does not reach a native object's members, so
// each member is made immortal as it is added.
//
//   auto* ns = new NamespaceObject("constraints", "constraint");
//   Value v = make_value(ns);
//   ns->add("positive", constraint_of(ConstraintKind::kPositive));
//   ns->add_function("interval", &guarded<&fn_interval>);  // <builtin constraints.interval>
//   make_immortal(v);
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/objects.h"

namespace kiln::rt {

class NamespaceObject final : public Object {
 public:
  // `name` is the namespace's name in the language; `member_kind` says what
  // its members are in the unknown-member error ("constraint").
  NamespaceObject(std::string name, std::string member_kind);

  void add(std::string name, Value member);
  // Adds a builtin printed as "<namespace>.<name>".
  void add_function(const std::string& name, NativeFn fn);

  std::string type_name() const override { return "namespace"; }
  std::string to_string() const override { return "<namespace " + name_ + ">"; }
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 private:
  std::string name_;
  std::string member_kind_;
  std::vector<std::pair<std::string, Value>> members_;
};

}  // namespace kiln::rt
