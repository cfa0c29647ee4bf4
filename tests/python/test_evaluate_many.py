"""Evaluator.evaluate_many with loaded (and edited) models, conditional rates, and each model
sent once per worker."""
import pickle

import pytest

import eesim
from eesim import _chunk_tasks, _distinct_models
from conftest import QUAD


def test_loaded_and_edited_models_over_processes_equal_one_by_one(ee_model_path):
    full = eesim.load_model(ee_model_path)
    no2 = full.without_exits(["exit2"])
    candidates = ([(full, {"exit1": i / 10, "exit2": 0.5}) for i in range(4)]
                  + [(no2, {"exit1": 0.5, "exit3": i / 10}) for i in range(3)]
                  + [(ee_model_path, {"exit3": 1.0}), (ee_model_path.read_bytes(), None)])
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    pooled = ev.evaluate_many(candidates, processes=2, conditional=True)
    here = ev.evaluate_many(candidates, processes=1, conditional=True)
    alone = [eesim.Evaluator(QUAD, fusion="rows=4").evaluate(m if isinstance(m, eesim.Model)
                                                             else eesim.load_model(m), e,
                                                             conditional=True)
             for m, e in candidates]
    assert [r.as_dict() for r in pooled] == [r.as_dict() for r in here] == [r.as_dict()
                                                                             for r in alone]
    # Conditional: q1 = 0.3, q2 = 0.5 -> p = 0.3, 0.35.
    assert [s.probability for s in pooled[3].scenarios[:2]] == pytest.approx([0.3, 0.35])
    assert [s.exit for s in pooled[5].scenarios] == ["exit1", "exit3", "final"]


def test_each_model_is_sent_once_per_chunk_and_variants_share_their_base(ee_model_path):
    m = eesim.load_model(ee_model_path)
    no1 = m.without_exits(["exit1"])
    models, jobs = _distinct_models([(m, {"exit1": i / 64}) for i in range(64)]
                                    + [(ee_model_path, {}), (str(ee_model_path), {}), (no1, {})])
    assert len(models) == 3 and models[0] is m and models[2] is no1
    tasks = _chunk_tasks(models, jobs, workers=2)
    assert [len(t[1]) for t in tasks] == [32, 32, 1, 1, 1]  # at most a chunk per worker
    assert tasks[0][0] is tasks[1][0]  # one payload for m, shared by its chunks
    assert sorted(k for t in tasks for k in t[2]) == list(range(67))
    # (key, base key, base state, edits): m and its edited variant share the base.
    (key, base_key, base, edits), variant = tasks[0][0], tasks[4][0]
    assert variant[1] == base_key and variant[0] != key and variant[3] == [("drop", ["exit1"])]
    assert edits == []
    # A file-loaded model goes as its path (the workers read the file); bytes as bytes.
    state = pickle.loads(base)
    assert state[2] == str(ee_model_path) and state[5] is None
    loaded = eesim._core.model_from_state(state)
    assert loaded.exits == m.exits
    assert eesim._core.model_with_edits(loaded, variant[3]).exits == ["exit2", "exit3"]
    bytes_state = eesim._core.model_state(eesim.load_model(ee_model_path.read_bytes()), False)
    assert bytes_state[5] == ee_model_path.read_bytes()
