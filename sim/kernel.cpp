#include "sim/kernel.h"

#include <systemc>

#include <cstdlib>

// SystemC's library references sc_main; eesim is a library and a CLI with its own main, so it
// never calls it.
int sc_main(int, char*[]) { return 0; }

namespace eesim::sim {

FreshKernel::FreshKernel() {
  // The banner SystemC prints when its first context starts would land in the user's stdout.
  setenv("SYSC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  context_ = new sc_core::sc_simcontext();
  sc_core::sc_curr_simcontext = context_;
  sc_core::sc_default_global_context = context_;
}

FreshKernel::~FreshKernel() {
  delete context_;
  sc_core::sc_curr_simcontext = nullptr;
  sc_core::sc_default_global_context = nullptr;
}

}  // namespace eesim::sim
