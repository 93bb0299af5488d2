// Reading an optimizer's or a schedule's options from a .ppl dict, with the
// checks and the wording of every bad-option error of inference/optim/:
//   Adam(): option 'lr' must be positive, got -0.5
//   Adam(): option 'lr' for param 'loc' must be positive, got 0.0
//   Adam(): unknown option 'lrr'   (hint: did you mean 'lr'? Adam's options: lr, betas, ...)
// An algorithm reads each of its options once (with its default and range),
// then calls finish(), which rejects every key it did not read. So the list of
// valid options in the hint is exactly what the algorithm reads.
//
// Also the shared front door of the optimizer builtins: options_from_call
// turns Adam({"lr": 0.01}), Adam(lambda name: {...}) and Adam(lr=0.01) into
// one options value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

// The range a number option must lie in; all but kNotNan also require it finite.
enum class OptionRange : uint8_t {
  kAny,
  kNotNan,          // infinities allowed (a best-so-far loss starts at inf)
  kPositive,        // > 0
  kNonNegative,     // >= 0
  kUnitInterval,    // [0, 1): betas, momentum-like decay rates
  kOpenUnitInterval,  // (0, 1): reduction factors
};

class OptionReader {
 public:
  // `options` is a dict (or None: every option takes its default). `owner`
  // names the optimizer in messages ("Adam"); `param` is the param the
  // options are for when they come from a function of the name ("" if not);
  // `noun` is "option", or "argument" for keyword arguments of schedules.
  // Raises KilnError if `options` is neither a dict nor None, or a key is
  // not a str.
  OptionReader(std::string owner, const Value& options, std::string param = "",
               std::string noun = "option");

  // A number (int, float or one-element tensor) in `range`, or the default
  // when absent or None.
  double number(std::string_view option, double default_value, OptionRange range = OptionRange::kAny);
  // The same, without a default: nullopt when absent or None.
  std::optional<double> optional_number(std::string_view option, OptionRange range = OptionRange::kAny);
  // An int (not a bool) >= min_value.
  int64_t integer(std::string_view option, int64_t default_value, int64_t min_value);
  // A bool (or an int, truth-tested as Python does).
  bool flag(std::string_view option, bool default_value);
  // A tuple or list of two numbers, each in `range`.
  std::pair<double, double> number_pair(std::string_view option, std::pair<double, double> default_value,
                                        OptionRange range);
  // A str among `choices`.
  std::string choice(std::string_view option, std::string default_value,
                     const std::vector<std::string_view>& choices);
  // The raw value (unbound when absent), for options of other kinds.
  Value raw(std::string_view option);

  // Raises for the first key that no read asked for.
  void finish() const;

  // "<owner>(): option '<option>'[ for param '<param>'] must be <requirement>, got <got>".
  [[noreturn]] void fail(std::string_view option, std::string_view requirement, const std::string& got) const;
  // "<owner>(): option '<option>'[ for param '<param>'] is required".
  [[noreturn]] void missing(std::string_view option, std::string hint = "") const;

 private:
  const Value* lookup(std::string_view option);
  std::string for_param() const;  // " for param 'w'", or ""

  std::string owner_, param_, noun_;
  Value options_;
  std::vector<std::string> known_;  // every option asked for, in order
};

// The options of an optimizer builtin call: its single positional argument
// (a dict, or a callable taking a param name and returning a dict), or its
// keyword arguments gathered into a dict, or None when neither is given.
// Raises KilnError if both are given or the positional is of another type.
Value options_from_call(const CallArgs& args);

}  // namespace kiln::rt
