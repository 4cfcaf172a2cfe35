"""The embedded engines' evaluate from many threads at once (Flask's threaded server, gunicorn
threads): every caller gets the outcome of its own input."""

import copy
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from decisions.policy import OpaEmbeddedEngine, RegopyEngine, load_bundle

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))


def _inputs():
    """Distinct inputs: every fixture case, and each with the global stop switch flipped (which
    changes the obligations of every acting candidate)."""
    inputs = []
    for path in CASES:
        policy_input = json.loads(path.read_text(encoding="utf-8"))["input"]
        inputs.append(policy_input)
        flipped = copy.deepcopy(policy_input)
        controls = flipped["case"]["controls"]
        controls["global_stop"] = not controls["global_stop"]
        inputs.append(flipped)
    return inputs


@pytest.mark.parametrize("engine_class", [OpaEmbeddedEngine, RegopyEngine], ids=["opa-embedded", "regopy"])
def test_concurrent_evaluations_each_get_their_own_outcome(engine_class):
    engine = engine_class(load_bundle())
    inputs = _inputs()
    expected = [engine.evaluate(i) for i in inputs]
    assert len({json.dumps(e.to_dict(), sort_keys=True) for e in expected}) == len(inputs)

    start = threading.Barrier(8, timeout=60)

    def worker(offset):
        start.wait()  # all threads evaluate at the same time
        mismatches = 0
        for n in range(60):
            index = (n + offset) % len(inputs)
            if engine.evaluate(inputs[index]) != expected[index]:
                mismatches += 1
        return mismatches

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(worker, range(8))) == [0] * 8
