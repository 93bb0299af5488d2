// Runs work on a thread with a large stack. The front end, the lowering and
// the interpreter are recursive over program structure and .ppl calls; a
// large (lazily committed) stack lets 10 000-deep .ppl recursion and deeply
// nested expressions work, and the explicit depth limits turn anything deeper
// into a clear error instead of a crash.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace kiln {

inline constexpr size_t kLargeStackBytes = size_t{1} << 30;  // 1 GiB of address space, committed on use

// Runs `work` to completion on a thread with `stack_bytes` of stack and
// returns. Exceptions thrown by `work` are rethrown in the caller.
void run_with_large_stack(const std::function<void()>& work, size_t stack_bytes = kLargeStackBytes);

// Runs every job at once, each on its own thread with `stack_bytes` of
// stack, and returns when all have finished. If jobs throw, the exception
// of the lowest-numbered one is rethrown in the caller. A job whose thread
// cannot be created runs on the calling thread after the others started.
void run_in_parallel_with_large_stacks(const std::vector<std::function<void()>>& jobs,
                                       size_t stack_bytes = kLargeStackBytes);

}  // namespace kiln
