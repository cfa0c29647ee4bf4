"""Evaluator.reweigh: a report for new exit probabilities without simulating, equal to a fresh
evaluation to the last bit; an error when the schedule depends on the probabilities."""
import json

import pytest

import eesim
from conftest import QUAD


@pytest.fixture(scope="module")
def model(ee_model_path):
    return eesim.load_model(ee_model_path)


def test_reweigh_equals_a_fresh_evaluation(model):
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    first = ev.evaluate(model, {"exit1": 0.1})
    for exits, conditional in (({"exit1": 0.4, "exit3": 0.2}, False), ({}, False),
                               ({"exit1": 0.5, "exit2": 0.5, "exit3": 0.5}, True)):
        r = ev.reweigh(model, exits, conditional=conditional)
        fresh = eesim.Evaluator(QUAD, fusion="rows=4").evaluate(model, exits,
                                                                conditional=conditional)
        assert json.dumps(r.as_dict()) == json.dumps(fresh.as_dict())
    # {} keeps the metadata's 0.25 / 0.2 / 0.15; conditional 0.5 each: 0.5, 0.25, 0.125.
    assert [s.probability for s in r.scenarios] == pytest.approx([0.5, 0.25, 0.125, 0.125])
    assert r.expected.latency_cycles < first.expected.latency_cycles
    # Per-call options take part: the same ones reweigh, with the trace if asked for.
    ev.evaluate(model, {"exit1": 0.1}, policy="speculate")
    t = ev.reweigh(model, {"exit2": 0.3}, policy="speculate", trace=True)
    assert t.policy == "speculate" and len(t.trace["start_cycles"]) > 0


def test_reweigh_of_an_edited_model(model):
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    m = model.without_exits(["exit1"])
    ev.evaluate(m)
    r = ev.reweigh(m, {"exit2": 0.5, "exit1": 0.3})  # exit1 was dropped: ignored
    assert [s.exit for s in r.scenarios] == ["exit2", "exit3", "final"]
    assert r.as_dict() == eesim.Evaluator(QUAD, fusion="rows=4").evaluate(m, {"exit2": 0.5}).as_dict()


def test_reweigh_refuses_a_schedule_that_depends_on_the_probabilities(model):
    ev = eesim.Evaluator(QUAD, alloc="search", iterations=2, seed=1)
    ev.evaluate(model, {"exit1": 0.1})
    with pytest.raises(eesim.Error, match=r"^reweigh: the allocator searches for the least "
                                          r"expected_edp, which weighs the exit probabilities"):
        ev.reweigh(model, {"exit1": 0.4})
    with pytest.raises(eesim.Error, match="least energy"):
        eesim.Evaluator(QUAD).reweigh(model, alloc="search", objective="energy")


def test_reweigh_needs_the_last_evaluation_of_that_model_and_options(model, ee_model_path):
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    with pytest.raises(eesim.Error, match="evaluate it first"):
        ev.reweigh(model, {"exit1": 0.4})
    ev.evaluate(model)
    with pytest.raises(eesim.Error, match="evaluate it first"):  # another import, another model
        ev.reweigh(eesim.load_model(ee_model_path), {"exit1": 0.4})
    with pytest.raises(eesim.Error, match="evaluate it first"):
        ev.reweigh(model, {"exit1": 0.4}, policy="speculate")
    with pytest.raises(TypeError, match="expected the eesim.Model"):
        ev.reweigh(str(ee_model_path))
    ev.reweigh(model, {"exit1": 0.4})  # still there: failed calls keep it


def test_evaluator_keeps_its_16_latest_evaluations(model):
    # The model's 8 exit subsets in turn: each is simulated once, then reweighed (equal to a
    # fresh evaluation); the 17th distinct candidate evicts the least recently used.
    names = model.exits
    subsets = [[n for i, n in enumerate(names) if k >> i & 1] for k in range(2 ** len(names))]
    variants = [model.with_only_exits(s) for s in subsets]
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    for v in variants:
        ev.evaluate(v)
    for v, s in zip(variants, subsets):
        exits = {n: 0.1 for n in s}
        assert ev.reweigh(v, exits).as_dict() == \
            eesim.Evaluator(QUAD, fusion="rows=4").evaluate(v, exits).as_dict()
    ev.reweigh(variants[0])  # now the most recent: the next 15 new candidates keep it
    more = [model.with_only_exits(subsets[k % 8]) for k in range(16)]
    for v in more[:15]:
        ev.evaluate(v)
    ev.reweigh(variants[0])
    with pytest.raises(eesim.Error, match="none of the evaluator's 16 latest evaluations"):
        ev.reweigh(variants[1])
    ev.evaluate(more[15])  # evicts the least recently used: more[0]
    with pytest.raises(eesim.Error, match="evaluate it first"):
        ev.reweigh(more[0])
    ev.reweigh(more[1])
    ev.reweigh(variants[0])


def test_reweigh_keeps_the_evaluation_made_with_a_named_files_content(model, tmp_path):
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    bits = tmp_path / "bits.txt"
    bits.write_text("*=8\n")
    ev.evaluate(model, {"exit1": 0.1}, bits_file=bits)
    bits.write_text("*=4\n")  # evaluate would map anew with it; reweigh keeps the 8
    r = ev.reweigh(model, {"exit1": 0.2}, bits_file=bits)
    assert r.scenarios[0].probability == pytest.approx(0.2)
    assert {layer.weight_bits for layer in r.layers if layer.weight_bits} == {8}
    assert {layer.weight_bits for layer in ev.evaluate(model, bits_file=bits).layers
            if layer.weight_bits} == {4}
