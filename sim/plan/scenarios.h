#pragma once
// Exit scenarios (DESIGN.md section 5): scenario i is an input that leaves at exit i; the last
// one reaches the final output. Each lists the layers it must run and the layer that ends it.
// Pure data (no SystemC): what the simulator runs once per scenario.
#include <string>
#include <vector>

#include "workloads/exit_profile.h"
#include "workloads/workload.h"

namespace eesim::sim {

struct Scenario {
  std::string name;                  // the exit's name, or the final output's
  double probability = 0;            // of an input ending here
  workloads::LayerId end_layer = 0;  // the scenario ends when this layer's output is written
  // Per LayerId: work this scenario must do: everything its end depends on, and every exit
  // head before it (an input only leaves at exit i after failing exits 1..i-1).
  std::vector<char> needed;
  bool operator==(const Scenario&) const = default;
};

// One scenario per exit, shallowest first, then the final output.
std::vector<Scenario> make_scenarios(const workloads::Workload& w,
                                     const workloads::ExitProfile& profile);

// Under the `wait` policy, backbone work past an exit's branch point waits for that exit's
// decision. `gated` are the first such layers (everything later depends on them): layers that
// read a layer its branch point depends on, excluding the heads of shallower exits and every
// layer the decision itself waits for (its data and control ancestors and, through the gates
// of shallower exits, theirs), so that gates never wait in a circle.
struct Gate {
  size_t exit = 0;                  // index into Workload::exits
  workloads::LayerId decision = 0;  // the exit's output layer
  std::vector<workloads::LayerId> gated;
  bool operator==(const Gate&) const = default;
};
std::vector<Gate> wait_gates(const workloads::Workload& w);

}  // namespace eesim::sim
