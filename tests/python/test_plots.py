"""Plots a paper can use: legends outside the data (bounding boxes checked), blocks coloured
and labelled, titles, time in ms with cycles on top, one track order, `ax=` everywhere; PNG/SVG
files written; `eesim run --plot` and `eesim compare` from the CLI."""

import json

import pytest

eesim = pytest.importorskip("eesim", reason="build the bindings and set PYTHONPATH=build/bindings")
pytest.importorskip("matplotlib")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from eesim import plots  # noqa: E402

from conftest import EXAMPLES, QUAD, REPO_ROOT  # noqa: E402

SINGLE = REPO_ROOT / "examples" / "arch" / "single_edge_tpu.textproto"
HETERO = REPO_ROOT / "examples" / "arch" / "hetero.textproto"
EXITS = {"exit1": 0.25, "exit2": 0.2, "exit3": 0.15}


@pytest.fixture(scope="module")
def model(ee_model_path):
    return eesim.load_model(ee_model_path)


@pytest.fixture(scope="module")
def report(model):
    return eesim.Evaluator(QUAD, fusion="rows=4").evaluate(model, EXITS, trace=True)


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def assert_legends_clear(fig):
    """Every legend lies outside every axes' box and inside the figure."""
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [a.get_legend() for a in fig.axes if a.get_legend() is not None] + fig.legends
    assert legends, "the figure has a legend"
    page = fig.bbox
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for a in fig.axes:
            assert not _overlap(box, a.get_window_extent(renderer)), (
                f"legend {[t.get_text() for t in legend.get_texts()][:3]} covers axes "
                f"'{a.get_title(loc='left')}'")
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, "the legend is cut off"
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, "the legend is cut off"
    return legends


def legend_labels(a):
    return [t.get_text() for t in a.get_legend().get_texts()]


def test_layer_blocks_take_the_first_telling_level_of_the_name_path():
    torchvision = ["/conv1/Conv", "/relu/Relu", "/maxpool/MaxPool", "/layer1/layer1.0/conv1/Conv",
                   "/layer1/layer1.1/conv2/Conv", "/layer2/layer2.0/conv1/Conv", "/fc/Gemm"]
    assert plots.layer_blocks(torchvision) == {
        "/conv1/Conv": "conv1", "/relu/Relu": "relu", "/maxpool/MaxPool": "maxpool",
        "/layer1/layer1.0/conv1/Conv": "layer1", "/layer1/layer1.1/conv2/Conv": "layer1",
        "/layer2/layer2.0/conv1/Conv": "layer2", "/fc/Gemm": "fc"}
    # One module at the top (torchvision's MobileNetV2: features, classifier): one level down.
    deep = [f"/features/features.{i}/conv/Conv" for i in range(3)] + ["/classifier/fc/Gemm"]
    assert list(plots.layer_blocks(deep).values()) == [
        "features.0", "features.1", "features.2", "fc"]
    # Past the colour budget, runs of consecutive blocks merge (20 blocks -> 10 of 2).
    many = [f"/block{i}/Conv" for i in range(20)]
    labels = plots.layer_blocks(many, max_blocks=10)
    assert len(set(labels.values())) == 10
    assert labels["/block0/Conv"] == labels["/block1/Conv"] == "block0 ... block1"
    assert labels["/block19/Conv"] == "block18 ... block19"


def test_gantt_panels_legend_outside_blocks_coloured_time_in_ms(report, tmp_path):
    fig = plots.gantt(report)
    panels = [a for a in fig.axes if a.get_yticklabels()]
    names = [s.exit for s in report.scenarios]
    assert fig._suptitle.get_text() == "ee_mobilenetv2_cifar10 on quad_edge_tpu: timeline per exit scenario"
    assert [a.get_title(loc="left") for a in panels] == [
        "leaves at exit 'exit1' after 865,882 cycles (1.082 ms)",
        "leaves at exit 'exit2' after 1,294,921 cycles (1.619 ms)",
        "leaves at exit 'exit3' after 2,031,256 cycles (2.539 ms)",
        "reaches the final output after 2,650,381 cycles (3.313 ms)"]
    assert len(panels) == len(names) == 4
    assert panels[-1].get_xlabel() == "time (ms, 800 MHz clock)"
    ms_per_cycle = 1 / (800 * 1000)
    for a, s in zip(panels, report.scenarios):
        assert [t.get_text() for t in a.get_yticklabels()] == report.tracks
        ends = [l.get_xdata()[0] for l in a.get_lines()]
        assert ends == [pytest.approx(s.latency_cycles * ms_per_cycle)]
    assert report.tracks[:4] == ["core tpu0", "core tpu1", "core tpu2", "core tpu3"]
    legends = assert_legends_clear(fig)
    blocks = ["stem", "stages.0", "stages.1", "exit1", "stages.2", "exit2", "stages.3", "stages.4",
              "exit3", "stages.5", "stages.6", "last_conv", "pool", "classifier"]
    assert len(legends) == 1 and legend_labels(panels[0]) == blocks + ["NoC transfer"]
    # One colour per block: the node bars of the final scenario use all 14, and no other.
    faces = {tuple(c) for coll in panels[-1].collections if isinstance(coll, PolyCollection)
             and coll.get_hatch() is None for c in coll.get_facecolors()}
    handles = panels[0].get_legend().legend_handles if hasattr(
        panels[0].get_legend(), "legend_handles") else panels[0].get_legend().legendHandles
    assert faces == {tuple(h.get_facecolor()) for h in handles[:-1]}
    assert len(faces) == 14
    fig.savefig(tmp_path / "g.png")
    assert (tmp_path / "g.png").stat().st_size > 10_000


def test_one_scenario_into_a_users_axes_beside_another_plot(report, tmp_path):
    fig = Figure(figsize=(14, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    assert plots.gantt(report, "exit2", ax=left) is fig
    assert plots.energy_breakdown(report, ax=right) is fig
    assert left.get_title(loc="left").startswith("leaves at exit 'exit2'")
    assert fig._suptitle is None  # the user's figure: no title imposed
    assert_legends_clear(fig)
    with pytest.raises(ValueError, match="gantt draws 4 panel"):
        plots.gantt(report, ax=left)
    fig.savefig(tmp_path / "both.svg")
    assert (tmp_path / "both.svg").read_text().startswith("<?xml")


def test_memory_over_time_a_line_per_core_and_capacity(report):
    fig = plots.memory(report)
    a = fig.axes[0]
    assert legend_labels(a) == ["core tpu0", "core tpu1", "core tpu2", "core tpu3", "capacity"]
    assert a.get_ylabel() == "on-chip memory in use (KiB)"
    mem = report.memory_frame()
    final = mem[mem.scenario == report.scenarios[-1].exit]
    tpu0 = final[final.core == "tpu0"]
    line = next(l for l in a.get_lines() if l.get_label() == "core tpu0")
    assert list(line.get_ydata()[1:-1]) == pytest.approx(list(tpu0.live_bytes / 1024))
    capacity = [l.get_ydata()[0] for l in a.get_lines() if l.get_linestyle() == "--"
                and len(l.get_ydata())]
    assert capacity[0] == pytest.approx(tpu0.capacity_bytes.iloc[0] / 1024)
    assert set(mem.core) == {"tpu0", "tpu1", "tpu2", "tpu3"}
    assert list(mem.scenario.unique()) == [s.exit for s in report.scenarios]
    assert_legends_clear(fig)


def test_energy_breakdown_stacks_three_parts_per_scenario(report, tmp_path):
    fig = plots.energy_breakdown(report)
    a = fig.axes[0]
    assert [t.get_text() for t in a.get_xticklabels()] == ["exit1", "exit2", "exit3", "final"]
    assert len(a.patches) == 3 * len(report.scenarios)
    assert a.get_ylabel() == "energy (uJ)"
    heights = [p.get_height() for p in a.patches]
    total_final = sum(heights[i * len(report.scenarios) + 3] for i in range(3))
    assert total_final == pytest.approx(report.scenarios[3].energy_pj / 1e6)
    assert legend_labels(a) == ["E[E]", "dynamic", "NoC", "static"]
    assert_legends_clear(fig)


def test_edp_against_exit_probability_and_branch_point(model):
    ev = eesim.Evaluator(QUAD)
    points = ev.exit_probability_sweep(model, "exit1", [0.0, 0.3, 0.6], {"exit2": 0, "exit3": 0})
    assert [p for p, _ in points] == [0.0, 0.3, 0.6]
    fresh = ev.evaluate(model, {"exit1": 0.3, "exit2": 0, "exit3": 0})
    assert points[1][1].expected.edp == fresh.expected.edp
    fig = plots.edp_vs_exit_probability(points, "exit1")
    a = fig.axes[0]
    assert a.get_xlabel() == "P(exit at exit1)"
    edp = a.get_lines()[0].get_ydata()
    assert list(edp) == sorted(edp, reverse=True)  # leaving earlier more often lowers EDP
    assert_legends_clear(fig)
    with pytest.raises(TypeError, match="takes \\(probability, Report\\) pairs; get them with "
                       "Evaluator.exit_probability_sweep"):
        plots.edp_vs_exit_probability(ev, model, "exit1", [0.0, 0.5])
    with pytest.raises(eesim.Error, match="no exit 'exit9'; its exits are exit1, exit2, exit3"):
        ev.exit_probability_sweep(model, "exit9", [0.5])
    branch = [("exit1", ev.evaluate(model, {"exit1": 0.5, "exit2": 0, "exit3": 0})),
              ("exit3", ev.evaluate(model, {"exit1": 0, "exit2": 0, "exit3": 0.5}))]
    bp = plots.edp_vs_branch_point(branch)
    assert [t.get_text() for t in bp.axes[0].get_xticklabels()] == ["exit1", "exit3"]
    assert_legends_clear(bp)


def test_compare_chips_in_python(model, tmp_path):
    c = eesim.compare(model, [QUAD, SINGLE, HETERO], EXITS, fusion="rows=4")
    frame = c.frame()
    assert list(frame.chip) == ["quad_edge_tpu", "single_edge_tpu", "hetero"]
    assert list(frame.cores) == [4, 1, 5]
    assert frame.latency_ratio.iloc[0] == frame.edp_ratio.iloc[0] == 1.0
    alone = eesim.Evaluator(SINGLE, fusion="rows=4").evaluate(model, EXITS)
    assert frame.latency_cycles.iloc[1] == alone.expected.latency_cycles
    assert frame.edp_ratio.iloc[1] == pytest.approx(alone.expected.edp / c.reports[0].expected.edp)
    fig = c.plot()
    a = fig.axes[0]
    assert len(a.patches) == 3 * 3  # three figures per chip
    assert [p.get_height() for p in a.patches[:3]] == [1.0, 1.0, 1.0]  # the first chip
    assert [t.get_text() for t in a.get_xticklabels()] == ["E[L]", "E[E]", "E[E*L]"]
    assert [l.split(":")[0] for l in legend_labels(a)] == list(frame.chip)
    assert fig._suptitle.get_text() == "ee_mobilenetv2_cifar10 on 3 chips"
    assert_legends_clear(fig)


def test_cli_plot_is_the_python_gantt_with_the_same_track_order(run_eesim, report, tmp_path,
                                                               monkeypatch):
    out = tmp_path / "run.png"
    csv_out = tmp_path / "run.csv"
    args = ["run", EXAMPLES / "ee_mobilenetv2_cifar10.onnx", "--arch", QUAD, "--fusion", "rows=4",
            *[x for k, v in EXITS.items() for x in ("--exit", f"{k}={v}")]]
    r = run_eesim(*args, "--plot", out, "--csv", csv_out, "--json", tmp_path / "r.json")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "run.csv", "run.png"]
    # The CLI hands plots.py its trace's tracks (--tracks), the list Python's report.tracks is.
    seen = []
    monkeypatch.setattr(plots, "gantt_from_columns",
                        lambda columns, tracks, *a, **k: seen.append(list(tracks)) or Figure())
    (tmp_path / "t.json").write_text(json.dumps(report.tracks))
    plots.main(["--csv", str(csv_out), "--report", str(tmp_path / "r.json"), "--tracks",
                str(tmp_path / "t.json"), "--out", str(tmp_path / "x.png")])
    assert seen == [report.tracks]
    _, csv_tracks, _ = plots._read_csv(str(csv_out))
    assert sorted(csv_tracks) == sorted(report.tracks)  # the same tracks, whatever their order



def test_cli_compare_table_json_and_plot(run_eesim, tmp_path):
    r = run_eesim("compare", EXAMPLES / "ee_mobilenetv2_cifar10.onnx", "--arch", QUAD, "--arch",
                  SINGLE, "--fusion", "rows=4", "--exit", "exit1=0.25", "--exit", "exit2=0.2",
                  "--exit", "exit3=0.15",
                  "--json", tmp_path / "c.json", "--plot", tmp_path / "c.png")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].endswith("ee_mobilenetv2_cifar10.onnx on 2 chips (ratios: to the first)")
    quad, single = lines[2].split(), lines[3].split()
    assert quad[:4] == ["quad_edge_tpu", "4", "800", "1840296"]
    assert quad[7:10] == ["1.000", "1.000", "1.000"]
    assert single[:3] == ["single_edge_tpu", "1", "800"]
    reports = json.loads((tmp_path / "c.json").read_text())
    assert [x["arch"] for x in reports] == ["quad_edge_tpu", "single_edge_tpu"]
    assert round(reports[0]["expected"]["latency_cycles"]) == 1840296
    assert float(single[7]) == pytest.approx(
        reports[1]["expected"]["latency_cycles"] / reports[0]["expected"]["latency_cycles"],
        abs=5e-4)
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "c.png"]
    bad = run_eesim("compare", EXAMPLES / "ee_mobilenetv2_cifar10.onnx")
    assert bad.returncode == 2 and "compare needs --arch CHIP.textproto" in bad.stderr
