// Which importer reads a chip file, and the imported text through eesim's own loader.
#include "hw_models/import/chip_import.h"

#include <algorithm>
#include <cctype>

#include "hw_models/arch_loader.h"
#include "hw_models/import/import_steps.h"
#include "hw_models/import/yaml_fields.h"

namespace eesim::hw {

ImportedChip import_chip_yaml(const std::string& path, const std::string& mapping_path) {
  const yaml::YamlNode root = yaml::read_yaml_file(path, "a ZigZag or Stream hardware .yaml file");
  const yaml::Fields top(root, path, "");
  if (top.has("cores")) return yaml::import_stream(root, path, mapping_path);
  if (top.has("memories")) return yaml::import_zigzag(root, path, mapping_path);
  yaml::fail(path, root.line, "",
             "neither a ZigZag core file (top-level 'memories') nor a Stream accelerator file "
             "(top-level 'cores')");
}

Architecture load_imported(const ImportedChip& chip) {
  return load_architecture_text(chip.textproto, chip.source + " (imported)");
}

bool is_yaml_path(const std::string& path) {
  std::string p = path;
  for (char& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto ends = [&p](const std::string& s) {
    return p.size() >= s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".yaml") || ends(".yml");
}

Architecture load_architecture_any(const std::string& path) {
  if (!is_yaml_path(path)) return load_architecture_file(path);
  return load_imported(import_chip_yaml(path));
}

}  // namespace eesim::hw
