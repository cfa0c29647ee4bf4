"""NoC kind "links" end to end: `eesim run` of the bundled EE-MobileNetV2 on a 2-core chip whose
only path between the cores is one slow link (or one bus). Every transfer the trace shows holds
its link for ceil(bytes / that link's bytes_per_cycle) cycles, on the track of that link (a bus is
one track, named by its members), and the NoC energy is bytes x the link's pJ per byte."""
import csv
import json
import math

import pytest

CORE = """
core {{
  name: "{name}" x: {x} y: 0 static_power_mw: 0
  edge_tpu {{ pes_x: 2 pes_y: 2 cores_per_pe: 4 lanes_per_core: 40
             pe_memory_bytes: 2097152 core_memory_bytes: 114688 }}
}}"""


def chip(network):
    """Cores a (0,0) and b (1,0), DRAM port d on a's node; `network` joins them."""
    return (f'name: "two" clock_mhz: 800\n'
            f'noc {{ width: 2 height: 1 kind: "links" router_cycles: 2 link_cycles: 1\n'
            f'      energy_pj_per_byte_hop: 0.5\n{network} }}'
            + CORE.format(name="a", x=0) + CORE.format(name="b", x=1)
            + '\ndram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 8 }\n')


def run(run_eesim, model, tmp_path, network, tag):
    arch = tmp_path / f"{tag}.textproto"
    arch.write_text(chip(network))
    rows, report = tmp_path / f"{tag}.csv", tmp_path / f"{tag}.json"
    r = run_eesim("run", model, "--arch", arch, "--fusion", "rows=4", "--csv", rows,
                  "--json", report)
    assert r.returncode == 0, r.stderr
    transfers = [x for x in csv.DictReader(rows.open()) if x["kind"] == "transfer"]
    return transfers, json.loads(report.read_text())


@pytest.mark.parametrize("width", [1, 4])
def test_a_slow_link_holds_each_transfer_ceil_bytes_over_its_width(run_eesim, ee_model_path,
                                                                    tmp_path, width):
    link = f'link {{ a: "a" b: "b" bytes_per_cycle: {width} energy_pj_per_byte: 2 }}'
    transfers, rep = run(run_eesim, ee_model_path, tmp_path, link, f"w{width}")
    assert transfers, "the allocator used one core only: no transfer to check"
    assert {x["track"] for x in transfers} <= {"link (0,0)->(1,0)", "link (1,0)->(0,0)"}
    for x in transfers:
        held = int(x["end_cycles"]) - int(x["start_cycles"])
        assert held == math.ceil(int(x["bytes"]) / width), x
    # NoC energy: each scenario's transfers x 2 pJ/B (the trace lists every scenario's).
    for sc in rep["scenarios"]:
        moved = sum(int(x["bytes"]) for x in transfers if x["scenario"] == sc["exit"])
        assert sc["noc_energy_pj"] == pytest.approx(2 * moved)


def test_the_slow_link_makes_transfers_slower_by_the_width_ratio(run_eesim, ee_model_path,
                                                                  tmp_path):
    slow, _ = run(run_eesim, ee_model_path, tmp_path,
                  'link { a: "a" b: "b" bytes_per_cycle: 1 }', "slow")
    fast, _ = run(run_eesim, ee_model_path, tmp_path,
                  'link { a: "a" b: "b" bytes_per_cycle: 64 }', "fast")
    held = lambda xs: sum(int(x["end_cycles"]) - int(x["start_cycles"]) for x in xs)  # noqa: E731
    assert held(slow) == sum(int(x["bytes"]) for x in slow)
    assert held(fast) == sum(math.ceil(int(x["bytes"]) / 64) for x in fast)
    assert held(slow) > held(fast)


def test_a_bus_is_one_track_named_by_its_members(run_eesim, ee_model_path, tmp_path):
    bus = 'bus { member: "a" member: "b" bytes_per_cycle: 2 energy_pj_per_byte: 0.25 }'
    transfers, rep = run(run_eesim, ee_model_path, tmp_path, bus, "bus")
    assert transfers
    assert {x["track"] for x in transfers} == {"bus 0 (a, b)"}
    for x in transfers:
        assert int(x["end_cycles"]) - int(x["start_cycles"]) == math.ceil(int(x["bytes"]) / 2)
    for sc in rep["scenarios"]:
        moved = sum(int(x["bytes"]) for x in transfers if x["scenario"] == sc["exit"])
        assert sc["noc_energy_pj"] == pytest.approx(0.25 * moved)
