#include "tools/eval_args.h"

#include <cstdlib>

#include "sim/evaluate.h"
#include "tools/cli_args.h"

namespace eesim::tools {

sim::ExitPolicy parse_policy(const std::string& text) {
  if (text == "wait") return sim::ExitPolicy::kWait;
  if (text == "speculate") return sim::ExitPolicy::kSpeculate;
  throw UsageError("--policy " + text + ": expected wait or speculate");
}

mapping::FusionOptions parse_fusion(const std::string& text, const hw::Architecture& arch) {
  mapping::FusionOptions f;
  if (text == "off") return f;
  if (text == "auto") return sim::auto_fusion(arch);
  if (text.rfind("rows=", 0) == 0) {
    char* end = nullptr;
    const long long rows = std::strtoll(text.c_str() + 5, &end, 10);
    if (*end == '\0' && rows >= 1) {
      f.mode = mapping::FusionOptions::Mode::kRows;
      f.rows_per_cn = rows;
      return f;
    }
  }
  throw UsageError("--fusion " + text + ": expected off, auto or rows=N (N >= 1)");
}

}  // namespace eesim::tools
