"""The Chrome trace JSON (`--trace`) as a viewer reads it, checked on the written text in exact
arithmetic: numbers parsed as written (integers as int, anything else as Decimal, never float),
integer cycles, no two complete events on one track overlapping, processes and threads named
and ordered, memory as counters, and what Perfetto's JSON importer accepts."""

import csv
import json
import re
from collections import defaultdict
from decimal import Decimal

import eesim
import pytest

from conftest import QUAD, REPO_ROOT  # noqa: E402

HETERO = REPO_ROOT / "examples" / "arch" / "hetero.textproto"

# Perfetto's JSON tokenizer reads these top-level keys; at any other it stops reading the file.
PERFETTO_KEYS = {"traceEvents", "otherData", "metadata", "displayTimeUnit", "systemTraceEvents"}


def load_exact(text):
    """A trace with every number as written: integers as int, others as Decimal (no float)."""
    return json.loads(text, parse_float=Decimal)


def overlaps(events):
    """Pairs (a, b) of complete events on one track (pid, tid) where b starts before a ends,
    compared in exact decimal arithmetic."""
    tracks = defaultdict(list)
    for e in events:
        if e["ph"] == "X":
            tracks[(e["pid"], e["tid"])].append(e)
    found = []
    for spans in tracks.values():
        spans.sort(key=lambda e: (Decimal(e["ts"]), Decimal(e["dur"])))
        found += [(a, b) for a, b in zip(spans, spans[1:])
                  if Decimal(a["ts"]) + Decimal(a["dur"]) > Decimal(b["ts"])]
    return found


def test_the_overlap_check_is_exact_where_floats_are_not():
    def x(ts, dur):
        return f'{{"ph":"X","pid":0,"tid":0,"ts":{ts},"dur":{dur}}}'

    # 0.1 + 0.2 > 0.3 in binary floating point, not in the decimals the file holds.
    touching = load_exact(f'{{"traceEvents":[{x("0.1", "0.2")},{x("0.3", 1)}]}}')["traceEvents"]
    assert 0.1 + 0.2 > 0.3 and overlaps(touching) == []
    # Fractional microseconds as a writer of doubles printed them (1 cycle past 12.9775 us at
    # 800 MHz): the end passes the next start by 1e-15.
    stair = load_exact(f'{{"traceEvents":[{x("8.6575", "4.3200000000000012")},'
                       f'{x("12.9775", 1)}]}}')["traceEvents"]
    assert len(overlaps(stair)) == 1
    # A node inside another on the same track is an overlap too; another track is not.
    nested = load_exact(f'{{"traceEvents":[{x(0, 10)},{x(4, 0)}]}}')["traceEvents"]
    assert len(overlaps(nested)) == 1
    nested[1]["tid"] = 1
    assert overlaps(nested) == []


def check_trace(doc, cores, processes, drams=("lpddr4",)):
    """What every eesim trace holds: the unit declared, integer times, no overlap on a track,
    named and ordered processes and threads, one memory counter value per core and cycle."""
    assert set(doc) <= PERFETTO_KEYS and "displayTimeUnit" not in doc
    other = doc["otherData"]
    assert other["time_unit"] == "cycles" and other["clock_mhz"] == 800
    assert Decimal(other["ns_per_cycle"]) == Decimal(1000) / other["clock_mhz"]
    events = doc["traceEvents"]
    for e in events:
        assert type(e["pid"]) is int and (e["ph"] == "M" or type(e["ts"]) is int), e
    xs = [e for e in events if e["ph"] == "X"]
    assert xs
    for e in xs:
        assert type(e["dur"]) is int and e["dur"] >= 0 and type(e["tid"]) is int
        assert (e["ts"], e["ts"] + e["dur"]) == (e["args"]["start_cycles"], e["args"]["end_cycles"])
    assert overlaps(events) == []

    meta = defaultdict(dict)  # (name, pid) -> {tid or None: args}
    for e in events:
        if e["ph"] == "M":
            meta[e["name"], e["pid"]][e.get("tid")] = e["args"]
    for pid, name in enumerate(processes):
        assert meta["process_name", pid] == {None: {"name": name}}
        assert meta["process_sort_index", pid] == {None: {"sort_index": pid}}
        threads = meta["thread_name", pid]
        names = [threads[tid]["name"] for tid in range(len(threads))]
        # Cores in chip order, links by source router row-major, then destination, DRAM ports.
        assert names[:len(cores)] == [f"core {c}" for c in cores]
        links = [n for n in names if n.startswith("link ")]
        assert names == names[:len(cores)] + links + [f"dram {d}" for d in drams]
        ends = [tuple(map(int, re.fullmatch(r"link \((\d+),(\d+)\)->\((\d+),(\d+)\)", n).groups()))
                for n in links]
        assert ends and ends == sorted(ends, key=lambda l: (l[1], l[0], l[3], l[2]))
        assert meta["thread_sort_index", pid] == {t: {"sort_index": t} for t in range(len(names))}
    assert {e["pid"] for e in xs} <= set(range(len(processes)))

    counters = [e for e in events if e["ph"] == "C"]
    assert {e["name"] for e in counters} <= {f"memory {c}" for c in cores}
    assert all(type(e["args"]["bytes"]) is int and e["args"]["bytes"] >= 0 for e in counters)
    samples = [(e["pid"], e["name"], e["ts"]) for e in counters]
    assert len(samples) == len(set(samples)), "two values of one counter at one cycle"
    return xs, counters


def trace_csv_spans(path):
    return sorted((r["track"], r["name"], int(r["start_cycles"]), int(r["end_cycles"]))
                  for r in csv.DictReader(path.open()))


@pytest.mark.parametrize("policy", ["wait", "speculate"])
def test_hetero_run_trace_is_exact_and_never_overlaps_on_a_track(run_eesim, ee_model_path, tmp_path,
                                                                 policy):
    trace, report, rows = tmp_path / "t.json", tmp_path / "r.json", tmp_path / "t.csv"
    r = run_eesim("run", ee_model_path, "--arch", HETERO, "--fusion", "rows=4", "--policy", policy,
                  "--trace", trace, "--json", report, "--csv", rows)
    assert r.returncode == 0, r.stderr
    rep = json.loads(report.read_text())
    cores = [c["name"] for c in rep["cores"]]
    doc = load_exact(trace.read_text())
    xs, counters = check_trace(doc, cores, [f"scenario {s['exit']}" for s in rep["scenarios"]])
    assert len(xs) > 1000
    # DRAM ports carry nodes' own traffic and spills, one booking at a time like a link.
    assert {e["cat"] for e in xs} == {"cn", "transfer", "dram", "spill"}
    # The events add up, in integers, to the report's figures: each scenario's busy cycles per
    # core (cancelled nodes until cancelled), its latency (the last node or transfer ends then;
    # a port's booking for cancelled work or a spill's read-back may outlast it, as the engine
    # booked it), and the cores' peak memory.
    for pid, sc in enumerate(rep["scenarios"]):
        busy = [sum(e["dur"] for e in xs if e["pid"] == pid and e["tid"] == c and e["cat"] == "cn")
                for c in range(len(cores))]
        assert busy == sc["quality"]["core_busy_cycles"]
        assert max(e["ts"] + e["dur"] for e in xs
                   if e["pid"] == pid and e["cat"] in ("cn", "transfer")) == sc["latency_cycles"]
    peak = {c: 0 for c in cores}
    for e in counters:
        core = e["name"].removeprefix("memory ")
        peak[core] = max(peak[core], e["args"]["bytes"])
    assert all(peak[c["name"]] <= c["peak_memory_bytes"] for c in rep["cores"])
    assert max(peak.values()) > 0
    # The CSV holds the same spans, in the same cycles.
    names = {e["tid"]: e["args"]["name"] for e in doc["traceEvents"]
             if e["ph"] == "M" and e["name"] == "thread_name" and e["pid"] == 0}
    assert trace_csv_spans(rows) == sorted(
        (names[e["tid"]], e["name"], e["ts"], e["ts"] + e["dur"]) for e in xs)


def test_python_trace_columns_are_the_json_cycles(run_eesim, ee_model_path, tmp_path):
    trace = tmp_path / "t.json"
    r = run_eesim("run", ee_model_path, "--arch", HETERO, "--fusion", "rows=4", "--trace", trace)
    assert r.returncode == 0, r.stderr
    doc = load_exact(trace.read_text())
    names = {e["tid"]: e["args"]["name"] for e in doc["traceEvents"]
             if e["ph"] == "M" and e["name"] == "thread_name" and e["pid"] == 0}
    spans = sorted((e["args"]["scenario"], names[e["tid"]], e["name"], e["ts"], e["ts"] + e["dur"])
                   for e in doc["traceEvents"] if e["ph"] == "X")
    rep = eesim.Evaluator(HETERO, fusion="rows=4").evaluate(ee_model_path, trace=True)
    t = rep.trace
    assert rep.tracks == [names[k] for k in range(len(names))]
    assert spans == sorted(zip(t["scenario"], t["track"], t["name"], map(int, t["start_cycles"]),
                               map(int, t["end_cycles"])))


def test_stream_trace_is_exact_and_never_overlaps_on_a_track(run_eesim, ee_model_path, tmp_path):
    # Poisson arrivals close enough that inputs overlap on the cores and links.
    trace, report, rows = tmp_path / "t.json", tmp_path / "r.json", tmp_path / "t.csv"
    r = run_eesim("stream", ee_model_path, "--arch", QUAD, "--fusion", "rows=4", "--inputs", "12",
                  "--arrival", "poisson=20000", "--seed", "3", "--trace-inputs", "6",
                  "--trace", trace, "--trace-csv", rows, "--json", report)
    assert r.returncode == 0, r.stderr
    rep = json.loads(report.read_text())
    cores = [c["name"] for c in rep["cores"]]
    xs, counters = check_trace(load_exact(trace.read_text()), cores, ["stream"])
    assert {e["args"]["input"] for e in xs} == set(range(6))
    assert counters
    # Inputs do overlap in time (the stream is not one input after another), yet no track does.
    spans = defaultdict(lambda: [None, None])
    for e in xs:
        s = spans[e["args"]["input"]]
        s[0] = e["ts"] if s[0] is None else min(s[0], e["ts"])
        s[1] = max(s[1] or 0, e["ts"] + e["dur"])
    ordered = sorted(spans.values())
    assert any(a[1] > b[0] for a, b in zip(ordered, ordered[1:]))
    assert len(trace_csv_spans(rows)) == len(xs)
