#include "frontend/large_stack.h"

#include <pthread.h>

#include <exception>
#include <stdexcept>

namespace kiln {

namespace {

struct Job {
  const std::function<void()>* work;
  std::exception_ptr error;
};

void* run_job(void* arg) {
  auto* job = static_cast<Job*>(arg);
  try {
    (*job->work)();
  } catch (...) {
    job->error = std::current_exception();
  }
  return nullptr;
}

bool start_thread(Job& job, size_t stack_bytes, pthread_t& thread) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  const int rc = pthread_create(&thread, &attr, &run_job, &job);
  pthread_attr_destroy(&attr);
  return rc == 0;
}

}  // namespace

void run_with_large_stack(const std::function<void()>& work, size_t stack_bytes) {
  Job job{&work, nullptr};
  pthread_t thread;
  if (!start_thread(job, stack_bytes, thread)) {
    // No thread (resource limits): run on the current stack; depth limits still apply.
    work();
    return;
  }
  pthread_join(thread, nullptr);
  if (job.error) std::rethrow_exception(job.error);
}

void run_in_parallel_with_large_stacks(const std::vector<std::function<void()>>& jobs, size_t stack_bytes) {
  std::vector<Job> state(jobs.size());
  std::vector<pthread_t> threads(jobs.size());
  std::vector<bool> started(jobs.size(), false);
  for (size_t i = 0; i < jobs.size(); ++i) {
    state[i] = Job{&jobs[i], nullptr};
    started[i] = start_thread(state[i], stack_bytes, threads[i]);
  }
  for (size_t i = 0; i < jobs.size(); ++i)
    if (!started[i]) run_job(&state[i]);
  for (size_t i = 0; i < jobs.size(); ++i)
    if (started[i]) pthread_join(threads[i], nullptr);
  for (const Job& job : state)
    if (job.error) std::rethrow_exception(job.error);
}

}  // namespace kiln
