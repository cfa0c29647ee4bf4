#pragma once
// Long runs in the terminal: a progress line on stderr (done/total, rate, time left) when
// stderr is a terminal and the run lasts over a second, nothing otherwise; and Ctrl-C as a
// clean stop. While a StopOnCtrlC lives, the first Ctrl-C asks the run to stop at its next
// step (the library then throws eesim::Interrupted saying what was completed); a second one
// kills the process as usual.
#include <chrono>
#include <csignal>
#include <cstdint>
#include <string>

#include "common/progress.h"

namespace eesim::tools {

class StopOnCtrlC {
 public:
  StopOnCtrlC();
  ~StopOnCtrlC();  // erases the progress line and restores the previous SIGINT handler
  StopOnCtrlC(const StopOnCtrlC&) = delete;
  StopOnCtrlC& operator=(const StopOnCtrlC&) = delete;

  // The callback to hand to the library: draws the line and says stop after Ctrl-C.
  Progress progress();
  // Throws eesim::Interrupted("<what> was interrupted") if Ctrl-C came during a stretch no
  // step reported on, so a run the user stopped never writes its outputs.
  void check(const std::string& what) const;

 private:
  bool step(const char* unit, int64_t done, int64_t total);
  void draw(const char* unit, int64_t done, int64_t total, double seconds);
  void erase();

  struct sigaction previous_ {};
  bool terminal_ = false;
  bool drawn_ = false;
  std::string unit_;  // the unit being counted; its rate starts when it changes
  std::chrono::steady_clock::time_point started_, unit_started_, last_draw_;
  int64_t unit_first_done_ = 0;
};

}  // namespace eesim::tools
