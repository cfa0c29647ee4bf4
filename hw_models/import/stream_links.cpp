// A Stream accelerator file's core list and links (generations A and C, README.md): core files
// resolved next to the accelerator file, ids checked, links read.
#include <algorithm>
#include <filesystem>
#include <optional>

#include "common/error.h"
#include "hw_models/import/stream_parts.h"

namespace eesim::hw::yaml {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kMacOps = {"Conv",          "Gemm",        "MatMul",
                                          "ConvTranspose", "QLinearConv", "default"};

}  // namespace

CoreFile read_core_at(const Fields& f, const YamlEntry* key, const YamlNode& value,
                      const std::string& path) {
  const std::string name = to_text(value, f.source(), path);
  const fs::path resolved = fs::path(f.source()).parent_path() / name;
  std::error_code ec;
  if (!fs::is_regular_file(resolved, ec))
    fail(f.source(), key ? key->line : value.line, path,
         "missing core file '" + name + "' (looked for " + resolved.string() + ")");
  return read_core_file(resolved.string());
}

// cores: a map id -> file (A, C) or a list (B); ids must be 0..n-1.
std::vector<CoreRef> read_cores(const Fields& top) {
  const YamlEntry& e = top.require("cores");
  std::vector<CoreRef> out;
  if (e.value.kind == YamlNode::Kind::kList) {
    for (size_t i = 0; i < e.value.items.size(); ++i) {
      const std::string path = "cores[" + std::to_string(i) + "]";
      out.push_back({static_cast<int64_t>(i), e.value.items[i].line, path,
                     read_core_at(top, nullptr, e.value.items[i], path)});
    }
    return out;
  }
  const Fields cf(e.value, top.source(), "cores");
  std::vector<std::pair<int64_t, const YamlEntry*>> ids;
  for (const YamlEntry& c : cf.entries()) {
    YamlNode key;
    key.kind = YamlNode::Kind::kScalar, key.scalar = c.key, key.line = c.line;
    ids.emplace_back(to_int64(key, top.source(), "cores." + c.key), &c);
  }
  std::sort(ids.begin(), ids.end());
  for (size_t i = 0; i < ids.size(); ++i) {
    const YamlEntry& c = *ids[i].second;
    if (ids[i].first != static_cast<int64_t>(i))
      fail(top.source(), c.line, "cores." + c.key,
           "core ids must be 0..N-1 without gaps or repeats: expected id " + std::to_string(i) +
               ", got " + std::to_string(ids[i].first));
    out.push_back(
        {ids[i].first, c.line, "cores." + c.key, read_core_at(cf, &c, c.value, "cores." + c.key)});
  }
  return out;
}

int64_t core_id(const YamlNode& n, const std::string& source, const std::string& path,
                const std::vector<CoreRef>& cores) {
  const int64_t id = to_int64(n, source, path);
  if (id < 0 || id >= static_cast<int64_t>(cores.size()))
    fail(source, n.line, path,
         "unknown core id " + std::to_string(id) + " (cores are 0.." +
             std::to_string(cores.size() - 1) + ")");
  return id;
}

bool runs_macs(const std::vector<std::string>& ops) {
  return std::any_of(ops.begin(), ops.end(), [](const std::string& o) {
    return std::find(kMacOps.begin(), kMacOps.end(), o) != kMacOps.end();
  });
}

void read_links_gen_a(const Fields& top, Chip& chip) {
  chip.link_bits = top.number("bandwidth");
  chip.link_line = top.require("bandwidth").line;
  chip.unit_energy = top.number_or("unit_energy_cost").value_or(0);
  const YamlEntry* cc = top.find("core_connectivity");
  if (cc == nullptr) return;
  const std::vector<std::string> texts = to_texts(cc->value, top.source(), "core_connectivity");
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string path = "core_connectivity[" + std::to_string(i) + "]";
    const int line = cc->value.kind == YamlNode::Kind::kList ? cc->value.items[i].line : cc->line;
    std::vector<int64_t> ids;
    size_t start = 0;
    for (size_t comma = 0; comma != std::string::npos; start = comma + 1) {
      comma = texts[i].find(',', start);
      YamlNode n;
      n.kind = YamlNode::Kind::kScalar, n.line = line;
      n.scalar =
          texts[i].substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      n.scalar.erase(0, n.scalar.find_first_not_of(' '));
      n.scalar.erase(n.scalar.find_last_not_of(' ') + 1);
      ids.push_back(core_id(n, top.source(), path, chip.cores));
    }
    if (ids.size() < 2)
      fail(top.source(), line, path, "link '" + texts[i] + "' names one core; a link joins two");
    MeshLink l{ids[0], ids[1], line, path, texts[i], chip.link_bits, chip.unit_energy};
    if (ids.size() > 2) l.bus = ids;  // more than two cores: one shared bus
    chip.links.push_back(l);
  }
}

void read_links_gen_c(const Fields& top, Chip& chip) {
  chip.unit_energy = top.number_or("unit_energy_cost").value_or(0);
  const YamlEntry* cc = top.find("core_connectivity");
  if (cc == nullptr) return;
  if (cc->value.kind != YamlNode::Kind::kList)
    top.fail_key(*cc, "expected a list of {type, cores, bandwidth} links");
  for (size_t i = 0; i < cc->value.items.size(); ++i) {
    const Fields f(cc->value.items[i], top.source(),
                   "core_connectivity[" + std::to_string(i) + "]");
    f.allow_only({"type", "cores", "bandwidth", "unit_energy_cost"});
    const std::string type = f.has("type") ? f.text("type") : "link";
    const YamlEntry& ce = f.require("cores");
    std::vector<int64_t> ids;
    std::string text;
    for (size_t j = 0; ce.value.kind == YamlNode::Kind::kList && j < ce.value.items.size(); ++j) {
      ids.push_back(core_id(ce.value.items[j], f.source(),
                            f.path_of("cores") + "[" + std::to_string(j) + "]", chip.cores));
      text += (text.empty() ? "" : ", ") + std::to_string(ids.back());
    }
    const double bits = f.number("bandwidth");
    if (bits <= 0) f.fail_key(*f.find("bandwidth"), "must be > 0 bits per cycle");
    if (type != "link" && type != "bus")
      f.fail_key(*f.find("type"), "unknown type '" + type + "' (expected link or bus)");
    if (ids.size() < 2 || (type == "link" && ids.size() != 2))
      fail(f.source(), ce.line, f.path_of("cores"),
           type + " '" + text + "' joins " + std::to_string(ids.size()) +
               " cores; a link joins 2, a bus at least 2");
    // A link or bus to the off-chip core reaches the DRAM port (stream_build.cpp).
    MeshLink l{ids[0],
               ids[1],
               f.line(),
               f.path(),
               type + " " + text,
               bits,
               f.number_or("unit_energy_cost").value_or(chip.unit_energy)};
    if (type == "bus") l.bus = ids;
    chip.links.push_back(l);
  }
}

}  // namespace eesim::hw::yaml
