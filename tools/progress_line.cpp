#include "tools/progress_line.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "common/error.h"

namespace eesim::tools {
namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void on_sigint(int) { stop_requested = 1; }

// The line appears after this long (short runs stay silent) and is redrawn at most this often.
constexpr auto kQuietStart = std::chrono::seconds(1);
constexpr auto kRedraw = std::chrono::milliseconds(200);

std::string duration_text(double seconds) {
  char buf[32];
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, s / 60 % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%llds", s);
  return buf;
}

}  // namespace

StopOnCtrlC::StopOnCtrlC()
    : terminal_(::isatty(STDERR_FILENO) == 1),
      started_(std::chrono::steady_clock::now()),
      unit_started_(started_),
      last_draw_(started_) {
  stop_requested = 0;
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // the second Ctrl-C finds the default action: it kills
  sigaction(SIGINT, &sa, &previous_);
}

StopOnCtrlC::~StopOnCtrlC() {
  erase();
  sigaction(SIGINT, &previous_, nullptr);
}

Progress StopOnCtrlC::progress() {
  return {
      [this](const char* unit, int64_t done, int64_t total) { return step(unit, done, total); }};
}

void StopOnCtrlC::check(const std::string& what) const {
  if (stop_requested) throw Interrupted(what + " was interrupted");
}

bool StopOnCtrlC::step(const char* unit, int64_t done, int64_t total) {
  if (stop_requested) {
    erase();
    return false;
  }
  if (!terminal_) return true;
  const auto now = std::chrono::steady_clock::now();
  if (unit_ != unit) {
    unit_ = unit;
    unit_started_ = now;
    unit_first_done_ = done;
  }
  if (now - started_ < kQuietStart || now - last_draw_ < kRedraw) return true;
  last_draw_ = now;
  draw(unit, done, total, std::chrono::duration<double>(now - unit_started_).count());
  return true;
}

void StopOnCtrlC::draw(const char* unit, int64_t done, int64_t total, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(done - unit_first_done_) / seconds : 0;
  std::string line = "eesim: " + std::to_string(done) + "/" + std::to_string(total) + " " + unit;
  if (rate > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, ", %.4g/s, ", rate);
    line += buf + duration_text(static_cast<double>(total - done) / rate) + " left";
  }
  line += " (Ctrl-C stops)";
  std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void StopOnCtrlC::erase() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace eesim::tools
