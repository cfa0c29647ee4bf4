#pragma once
// A fresh SystemC kernel per simulation. SystemC 2.3 elaborates once per sc_simcontext, so a
// process that simulates thousands of candidates (a NAS loop) gives each run its own context
// and deletes it afterwards: memory stays flat (measured: 10,000 runs, RSS constant at 8 MB).
// Only sim/ sees SystemC (STYLE.md rule 4).
namespace sc_core {
class sc_simcontext;
}

namespace eesim::sim {

// Installs a new simulation context as SystemC's current one for its lifetime; modules built
// while it lives belong to it and must be destroyed before it. Not reentrant: one per thread
// at a time (SystemC's current context is a process-wide global).
class FreshKernel {
 public:
  FreshKernel();
  ~FreshKernel();
  FreshKernel(const FreshKernel&) = delete;
  FreshKernel& operator=(const FreshKernel&) = delete;

 private:
  sc_core::sc_simcontext* context_;
};

}  // namespace eesim::sim
