#include "sim/engine/kernel.h"

#include <cassert>
#include <cstdlib>
#include <systemc>

// SystemC's library references sc_main; eesim is a library and a CLI with its own main, so it
// never calls it.
int sc_main(int, char*[]) { return 0; }

namespace eesim::sim {
namespace {

// The one lock over SystemC's process-wide state (kernel.h). A function-local static: built on
// first use, thread-safe, never destroyed before a simulation that uses it.
std::mutex& kernel_mutex() {
  static std::mutex m;
  return m;
}

thread_local bool this_thread_simulates = false;

}  // namespace

FreshKernel::FreshKernel() : lock_(kernel_mutex()) {
  assert(!this_thread_simulates && "a thread nested two FreshKernels");
  this_thread_simulates = true;
  // The banner SystemC prints when its first context starts would land in the user's stdout.
  // Set under the lock, once: setenv is not safe against another thread's setenv.
  static const bool banner_off = setenv("SYSC_DISABLE_COPYRIGHT_MESSAGE", "1", 0) == 0;
  (void)banner_off;
  context_ = new sc_core::sc_simcontext();
  sc_core::sc_curr_simcontext = context_;
  sc_core::sc_default_global_context = context_;
}

FreshKernel::~FreshKernel() {
  delete context_;
  sc_core::sc_curr_simcontext = nullptr;
  sc_core::sc_default_global_context = nullptr;
  this_thread_simulates = false;
}

}  // namespace eesim::sim
