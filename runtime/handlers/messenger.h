// A messenger: one effect handler on the handler stack (Pyro's Messenger).
// While installed it sees every message sent from inside its scope:
// process() on the way out from the site (innermost messenger first),
// postprocess() on the way back after the default behaviour has run.
//   class CountMessenger final : public Messenger {
//    public:
//     void process(Message& msg) override { ++count; }
//     int count = 0;
//   };
//   CountMessenger counter;
//   { HandlerScope scope(counter); run(model); }   // counter.count sites seen
// Messengers are owned by whoever installs them (HandlerScope, a handler
// object of the language, or the handler stack for plates); the stack only
// points at them. A messenger belongs to one thread's stack at a time.
#pragma once

#include "runtime/handlers/message.h"

namespace kiln::rt {

class Messenger {
 public:
  virtual ~Messenger() = default;

  // Called when pushed onto / popped off the handler stack; exit() also runs
  // when an exception unwinds through the messenger's scope.
  virtual void enter() {}
  virtual void exit() {}
  // Before the default behaviour, innermost messenger first. Setting
  // msg.stop hides the message from the messengers further out.
  virtual void process(Message& msg) {}
  // After the default behaviour, back over the messengers that processed
  // the message: the outermost of them first, the innermost last.
  virtual void postprocess(Message& msg) {}
};

}  // namespace kiln::rt
