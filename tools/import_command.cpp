// `eesim import`: reads ZigZag/Stream hardware YAML through hw_models/import, checks the result
// with eesim's own architecture loader, and prints (or writes) the .textproto with a header
// saying where it came from and what the conversion assumed or dropped.
#include "tools/import_command.h"

#include "common/file_io.h"
#include "hw_models/import/chip_import.h"
#include "tools/cli_args.h"

namespace eesim::tools {
namespace {

const char* const kSynopsis =
    "usage: eesim import CHIP.yaml [--mapping MAPPING.yaml] [--out FILE.textproto]";

std::string header(const hw::ImportedChip& chip, const std::string& mapping) {
  std::string h = "# Imported by `eesim import` from " + chip.source +
                  (mapping.empty() ? "" : " with mapping " + mapping) + ".\n";
  h += "# Notes on the conversion:\n";
  for (const std::string& n : chip.notes) h += "#   - " + n + "\n";
  if (!chip.allowed_cores.empty()) {
    h += "# Op-type restrictions the files state (give them to eesim run/stream/sweep/compare):\n# "
         " ";
    for (const auto& [op, cores] : chip.allowed_cores) {
      h += " --allow " + op + "=";
      for (size_t i = 0; i < cores.size(); ++i) h += (i ? "," : "") + cores[i];
    }
    h += "\n";
  }
  return h;
}

}  // namespace

std::string import_usage() {
  return std::string(kSynopsis) +
         "\n"
         "  A ZigZag core file (one spatial_array core on a 1x1 mesh, its DRAM level as the\n"
         "  DRAM port) or a Stream accelerator file (its cores on an XY mesh, or on its own\n"
         "  links and buses: noc kind \"links\") as an eesim architecture, checked by eesim's\n"
         "  loader and printed as .textproto. The header lists what the conversion assumed or\n"
         "  dropped; a mapping file's core_allocation per op type comes out as --allow options.\n"
         "  `--arch CHIP.yaml` imports the same way (without a mapping file).\n"
         "options:\n"
         "  --mapping MAPPING.yaml   a ZigZag/Stream mapping file: the default entry's spatial\n"
         "                           mapping and memory_operand_links, per-op unrollings,\n"
         "                           Stream's core_allocation per op type\n"
         "  --out FILE.textproto     write the architecture there instead of to stdout\n"
         "examples:\n"
         "  eesim import edge_tpu_like.yaml --mapping edge_tpu_like_mapping.yaml\n"
         "  eesim import tpu_like_quad_core.yaml --out quad.textproto\n";
}

int import_command(const std::vector<std::string>& args, std::ostream& out) {
  const CliArgs a = parse_cli(args, {"help"}, {"mapping", "out"});
  if (a.flag("help")) {
    out << import_usage();
    return 0;
  }
  require_one_positional(a, "import", "CHIP.yaml", kSynopsis);
  const std::string& chip_path = a.positional.front();
  const std::string mapping = a.last("mapping");
  std::vector<std::pair<std::string, std::string>> inputs{{"CHIP.yaml", chip_path}};
  if (!mapping.empty()) inputs.emplace_back("--mapping", mapping);
  check_output_paths(a, {"out"}, inputs);
  const hw::ImportedChip chip = hw::import_chip_yaml(chip_path, mapping);
  hw::load_imported(chip);  // every rule of arch.proto; throws naming the problem
  const std::string text = header(chip, mapping) + chip.textproto;
  if (a.last("out").empty())
    out << text;
  else
    write_file(a.last("out"), text);
  return 0;
}

}  // namespace eesim::tools
