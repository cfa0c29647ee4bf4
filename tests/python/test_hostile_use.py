"""eesim as a careless or hostile user runs it (issue 13): every case gets a clear error naming
the culprit, or the right answer, and never a hang, a crash, a silent partial file or a wrong
number. One test per defect the issue lists."""

import json
import os
import pty
import re
import select
import signal
import subprocess
import time

import pytest

import eesim
from conftest import CLI_ENV, QUAD

HEAD_LIMIT = "channels must be a count in [1, 2^31]"


@pytest.fixture(scope="module")
def model(ee_model_path):
    return ee_model_path


def run_shell(script, cwd, timeout=60):
    """A shell command line (for ulimit and traps) with the CLI's environment."""
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env=CLI_ENV)


# 2. Rates so low that arrival times pass int64 printed negative latencies and exited 0.
@pytest.mark.parametrize("arrival", ["fixed=1e-12", "poisson=1e-12"])
def test_stream_rate_too_low_for_the_stream_is_an_error(run_eesim, model, arrival):
    r = run_eesim("stream", model, "--arch", QUAD, "--inputs", 3, "--arrival", arrival)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == ("eesim: error: stream: at 1e-12 inputs/s, input 2 of 3 would arrive "
                        "after 2^53 cycles, beyond what eesim simulates; raise the rate or "
                        "stream fewer inputs\n")


def test_python_stream_rate_too_low_is_an_error(model):
    ev = eesim.Evaluator(QUAD)
    with pytest.raises(eesim.Error, match=r"^stream: at 1e-15 inputs/s, input 2 of 4 would"):
        ev.stream(model, inputs=4, arrival="fixed", rate=1e-15)


# 3. Unbounded reads: /dev/zero grew to gigabytes, a FIFO blocked forever.
@pytest.mark.parametrize("option,what", [
    ("--arch", "an architecture .textproto file"),
    ("--exits", "an exit profile file"),
    ("--alloc", "a mapping file of 'LAYER = CORE' lines"),
    ("--stacks", "a stacks file (one stack of layer names per line)"),
])
def test_a_device_as_a_text_input_is_refused_at_once(run_eesim, model, option, what):
    args = ["run", model, "--arch", QUAD, option, "/dev/zero"]
    if option == "--arch":
        args = ["run", model, "--arch", "/dev/zero"]
    r = run_eesim(*args, timeout=20)
    assert r.returncode == 1
    assert r.stderr == f"eesim: error: /dev/zero: a character device, not a regular file; " \
                       f"expected {what}\n"


@pytest.mark.parametrize("option", ["--arch", "--exits"])
def test_a_fifo_as_a_text_input_is_refused_without_blocking(run_eesim, model, tmp_path, option):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    args = ["run", model, "--arch", fifo] if option == "--arch" else \
        ["run", model, "--arch", QUAD, "--exits", fifo]
    r = run_eesim(*args, timeout=20)
    assert r.returncode == 1 and f"{fifo}: a FIFO, not a regular file" in r.stderr


def test_a_text_input_over_16_mib_is_refused_by_size(run_eesim, model, tmp_path):
    big = tmp_path / "huge_exits.txt"
    with open(big, "wb") as f:
        f.truncate((16 << 20) + 1)
    r = run_eesim("run", model, "--arch", QUAD, "--exits", big, timeout=20)
    assert r.returncode == 1
    assert f"{big}: 16777217 bytes is over the 16777216-byte limit for an exit profile file" \
        in r.stderr


# 4. Failed writes passed silently, leaving cut files that looked complete.
def test_writing_to_a_full_device_fails_naming_it(run_eesim, model):
    r = run_eesim("run", model, "--arch", QUAD, "--json", "/dev/full")
    assert r.returncode == 1
    assert r.stderr == "eesim: error: /dev/full: cannot write (No space left on device)\n"


def test_stdout_on_a_full_device_fails(eesim_bin, model, tmp_path):
    r = run_shell(f"'{eesim_bin}' run '{model}' --arch '{QUAD}' > /dev/full", tmp_path)
    assert r.returncode == 1 and r.stderr == "eesim: error: stdout: write failed\n"


@pytest.mark.parametrize("limit_kib,failed", [(8, "r.json"), (64, "t.json")])
def test_a_write_cut_short_leaves_the_old_file_and_no_partial_one(eesim_bin, model, tmp_path,
                                                                  limit_kib, failed):
    # `ulimit -f` makes writes past the limit fail (EFBIG) as a full disk does (ENOSPC); the
    # report JSON is ~35 KiB, the trace far larger.
    (tmp_path / "r.json").write_text("old report")
    (tmp_path / "t.json").write_text("old trace")
    r = run_shell(f"trap '' XFSZ; ulimit -f {limit_kib}; exec '{eesim_bin}' run '{model}' "
                  f"--arch '{QUAD}' --json r.json --trace t.json", tmp_path)
    assert r.returncode == 1
    assert r.stderr == f"eesim: error: {failed}: cannot write (File too large)\n"
    assert (tmp_path / "t.json").read_text() == "old trace"  # never replaced by a cut file
    report = (tmp_path / "r.json").read_text()
    if failed == "r.json":
        assert report == "old report"
    else:  # written before the trace failed: whole
        assert json.loads(report)["arch"] == "quad_edge_tpu"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "t.json"]


# 5. 200,000 unknown exit names took over a minute (quadratic) before failing.
def test_200k_unknown_exit_names_fail_fast_at_the_first(run_eesim, model, tmp_path):
    many = tmp_path / "many.txt"
    many.write_text("".join(f"e{i} = 0.000001\n" for i in range(200000)))
    start = time.monotonic()
    r = run_eesim("run", model, "--arch", QUAD, "--exits", many, timeout=30)
    assert r.returncode == 1
    assert r.stderr.startswith(f"eesim: error: {many}:1: unknown exit 'e0' (exits of ")
    assert time.monotonic() - start < 30


def test_200k_unknown_exit_names_from_python_fail_at_the_first(model):
    ev = eesim.Evaluator(QUAD)
    with pytest.raises(eesim.Error, match=r"^exits\['e0'\]: unknown exit 'e0'"):
        ev.evaluate(model, {f"e{i}": 0.0 for i in range(200000)})


# 6. A directory as --exits was silently ignored; as --alloc it blamed a layer.
@pytest.mark.parametrize("option,what", [("--exits", "an exit profile file"),
                                         ("--alloc", "a mapping file of 'LAYER = CORE' lines")])
def test_a_directory_as_a_file_option_is_named(run_eesim, model, tmp_path, option, what):
    r = run_eesim("run", model, "--arch", QUAD, option, tmp_path)
    assert r.returncode == 1
    assert r.stderr == f"eesim: error: {tmp_path}: a directory, not a regular file; " \
                       f"expected {what}\n"


def test_a_misspelt_allocator_is_a_usage_error(run_eesim, model):
    r = run_eesim("run", model, "--arch", QUAD, "--alloc", "serach")
    assert r.returncode == 2
    assert r.stderr == "eesim: --alloc serach: unknown allocator 'serach'; did you mean " \
        "'search'?\ntry 'eesim run --help'\n"


# 7. Two outputs on one path left only the last.
@pytest.mark.parametrize("first,second", [("--json", "--trace"), ("--trace", "--csv"),
                                          ("--json", "--report")])
def test_two_outputs_on_one_path_are_refused(run_eesim, model, tmp_path, first, second):
    out = tmp_path / "x.json"
    r = run_eesim("run", model, "--arch", QUAD, first, out, second, tmp_path / ".." /
                  tmp_path.name / "x.json")
    assert r.returncode == 2 and not out.exists()
    assert f"the same file as {first} {out}; each output needs its own file" in r.stderr


def test_stream_outputs_on_one_path_and_an_output_over_an_input_are_refused(run_eesim, model,
                                                                            tmp_path):
    out = tmp_path / "s.csv"
    r = run_eesim("stream", model, "--arch", QUAD, "--csv", out, "--trace-csv", out)
    assert r.returncode == 2 and "each output needs its own file" in r.stderr
    r = run_eesim("run", model, "--arch", QUAD, "--json", QUAD)
    assert r.returncode == 2
    assert f"--json {QUAD}: the same file as --arch {QUAD}; refusing to overwrite an input" \
        in r.stderr


def test_devices_may_take_several_outputs(run_eesim, model):
    r = run_eesim("run", model, "--arch", QUAD, "--json", "/dev/null", "--trace", "/dev/null")
    assert r.returncode == 0, r.stderr


# 8. A NUL byte cut Python paths short.
def test_python_paths_with_a_nul_byte_are_refused(model):
    with pytest.raises(ValueError, match="a path cannot contain a NUL byte"):
        eesim.load_model(str(model) + "\x00junk")
    with pytest.raises(ValueError, match=r"quad_edge_tpu.textproto\\0x: a path cannot contain"):
        eesim.Evaluator(str(QUAD) + "\x00x")


# 9. Numeric options were not range-checked.
@pytest.mark.parametrize("args,message", [
    (["--fusion", "rows=18446744073709551617"],
     "--fusion rows=18446744073709551617: expected off, auto or rows=N (1 <= N <= 2^63 - 1)"),
    (["--seed", "18446744073709551616"],
     "--seed 18446744073709551616: expected an integer in [0, 2^64 - 1]"),
    (["--seed", "-1"], "--seed -1: expected an integer in [0, 2^64 - 1]"),
    (["--alloc", "search", "--iterations", "99999999999999999999"],
     "--iterations 99999999999999999999: expected an integer >= 0"),
    (["--objective", "bogus"], "--objective bogus: expected latency, energy, edp or "
                               "expected_edp"),
])
def test_out_of_range_numbers_and_bad_names_are_usage_errors(run_eesim, model, args, message):
    r = run_eesim("run", model, "--arch", QUAD, *args)
    assert r.returncode == 2 and r.stderr == f"eesim: {message}\ntry 'eesim run --help'\n"


def test_the_largest_seed_is_accepted_and_objective_without_search_says_why(run_eesim, model):
    r = run_eesim("run", model, "--arch", QUAD, "--seed", "18446744073709551615",
                  "--objective", "latency")
    assert r.returncode == 0
    assert r.stderr == "eesim: note: --objective has no effect without --alloc search\n"


def test_negative_trace_inputs_are_refused_in_cli_and_python(run_eesim, model):
    r = run_eesim("stream", model, "--arch", QUAD, "--trace-inputs", "-5")
    assert r.returncode == 2 and "--trace-inputs -5: expected an integer >= 1" in r.stderr
    ev = eesim.Evaluator(QUAD)
    with pytest.raises(eesim.Error, match=r"^trace_inputs=-5: expected an integer >= 1$"):
        ev.stream(model, trace_inputs=-5)
    with pytest.raises(eesim.Error, match=r"^seed=-1: expected an integer in \[0, "):
        ev.stream(model, seed=-1)
    with pytest.raises(eesim.Error, match=r"^in_flight=-2: expected an integer >= 0$"):
        ev.stream(model, in_flight=-2)
    with pytest.raises(eesim.Error, match=r"^inputs=2.5: expected an integer in \[1, 16777216\]$"):
        ev.stream(model, inputs=2.5)
    np = pytest.importorskip("numpy")  # a NAS loop's counts are often numpy integers
    assert ev.stream(model, inputs=np.int64(3), seed=np.uint64(2)).inputs["exit"].size == 3


# 10. Sweep heads bypassed the tensor-size limit.
def test_sweep_heads_keep_the_size_limits(run_eesim, model):
    r = run_eesim("sweep", model, "--arch", QUAD, "--head", "conv3x3:99999999999")
    assert r.returncode == 1 and HEAD_LIMIT in r.stderr
    r = run_eesim("sweep", model, "--arch", QUAD, "--points", "/stem/stem.0/Conv",
                  "--head", "conv1x1:2147483648,conv1x1:2147483648")
    assert r.returncode == 1
    assert "op 'conv1x1:2147483648': output has shape [1,2147483648,32,32]: more than " \
           "1099511627776 elements" in r.stderr


# 11. A graph output listed twice became a phantom exit.
def test_a_graph_output_listed_twice_is_an_error(run_eesim, tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu")], "g", [x],
                              [y, y])
    path = tmp_path / "twice.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    r = run_eesim("inspect", path)
    assert r.returncode == 1
    assert r.stderr == f"eesim: error: {path}: graph output 'y' is listed twice (each output " \
                       f"is one exit or the final output)\n"


# 12. Python errors spoke CLI (`--exit exit1=-0.29999999999999999`).
def test_python_exit_errors_name_the_argument_and_the_number_as_written(model):
    ev = eesim.Evaluator(QUAD)
    with pytest.raises(eesim.Error, match=r"^exits\['exit1'\]: probability -0.3 is outside"):
        ev.evaluate(model, {"exit1": -0.3})
    with pytest.raises(eesim.Error, match=r"^exits\['exit1'\]: 'high' is not a number"):
        ev.evaluate(model, {"exit1": "high"})
    with pytest.raises(eesim.Error, match=r"^exits\[1\]: exit names are str"):
        ev.evaluate(model, {1: 0.5})
    with pytest.raises(eesim.Error, match=r"^exits: exit probabilities sum to 1.05, above 1"):
        ev.evaluate(model, {"exit1": 0.7, "exit2": 0.35})
    with pytest.raises(eesim.Error, match=r"onnx: a shape is given for input 'nope', which is not"):
        eesim.load_model(model, inputs={"nope": [1, 3, 32, 32]})


# 13. A UTF-8 byte-order mark became part of the first exit's name.
def test_an_exits_file_with_a_byte_order_mark_reads_as_without(run_eesim, model, tmp_path):
    plain, bom = tmp_path / "plain.txt", tmp_path / "bom.txt"
    plain.write_bytes(b"exit1 = 0.5\n")
    bom.write_bytes(b"\xef\xbb\xbfexit1 = 0.5\n")
    outs = []
    for f in (plain, bom):
        out = tmp_path / (f.stem + ".json")
        r = run_eesim("run", model, "--arch", QUAD, "--exits", f, "--json", out)
        assert r.returncode == 0, r.stderr
        outs.append(json.loads(out.read_text())["scenarios"])
    assert outs[0] == outs[1] and outs[0][0]["probability"] == 0.5


# 14. Long runs were silent and Ctrl-C left nothing said.
def run_in_terminal(args, interrupt_when, timeout=120):
    """Runs the CLI with stderr on a pseudo-terminal, sends Ctrl-C (SIGINT) once stderr shows
    `interrupt_when`; returns (exit code, everything stderr showed)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=slave, env=CLI_ENV)
    os.close(slave)
    shown, sent, deadline = b"", False, time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
        if not sent and interrupt_when.encode() in shown:
            p.send_signal(signal.SIGINT)
            sent = True
    os.close(master)
    return p.wait(timeout=timeout), shown.decode(errors="replace")


def test_a_long_stream_shows_progress_on_a_terminal_and_ctrl_c_stops_it(eesim_bin, model,
                                                                        tmp_path):
    out = tmp_path / "s.json"
    # The line appears once the run has lasted a second: done/total, rate, time left.
    code, shown = run_in_terminal([eesim_bin, "stream", model, "--arch", QUAD, "--inputs",
                                   "1000000", "--json", out], interrupt_when=" left (Ctrl-C")
    assert code == 130 and not out.exists()
    assert re.search(r"\reesim: [0-9]+/1000000 inputs, [0-9.e+]+/s, [0-9hms]+ "
                     r"left \(Ctrl-C stops\)\x1b\[K", shown)
    last = shown.rstrip("\r\n").split("\n")[-1].split("\x1b[K")[-1]
    assert last.startswith("eesim: interrupted: stream stopped after ")
    assert last.endswith(" of 1000000 inputs; no output written")


def test_ctrl_c_stops_a_long_search_saying_how_far_it_got(eesim_bin, model):
    p = subprocess.Popen([eesim_bin, "run", model, "--arch", QUAD, "--alloc", "search",
                          "--iterations", "1000000000"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=CLI_ENV)
    time.sleep(2)
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == 130 and stdout == ""
    assert stderr.startswith("eesim: interrupted: search stopped after ")
    assert " of 1000000000 moves (" in stderr and stderr.endswith("; no output written\n")


def test_no_progress_line_when_stderr_is_not_a_terminal(run_eesim, model):
    r = run_eesim("stream", model, "--arch", QUAD, "--inputs", 3000)
    assert r.returncode == 0 and r.stderr == ""
