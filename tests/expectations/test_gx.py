"""Great Expectations loads without Altair and SciPy's statistics, and still has them on use."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

# A fresh interpreter: the test process has imported Great Expectations already.
PROBE = """
import json, sys
from expectations import gx
from expectations.gate import batch_definition

definition = batch_definition()
seen = {"after_load": {name: type(sys.modules[name]).__name__ for name in gx.DEFERRED},
        "file_asked": hasattr(sys.modules["scipy.stats"], "__file__")}

import pandas as pd
import great_expectations as ge

frame = pd.DataFrame({"x": [1, 1, 2, 2, 3, 3]})
rule = ge.expectations.ExpectColumnKLDivergenceToBeLessThan(
    column="x", partition_object={"values": [1, 2, 3], "weights": [1 / 3, 1 / 3, 1 / 3]},
    threshold=0.1)
result = definition.get_batch(batch_parameters={"dataframe": frame}).validate(rule)
from scipy.stats import entropy
import scipy.stats.distributions

seen.update(kl_success=bool(result.success), kl_observed=result.result["observed_value"],
            entropy=float(entropy([0.5, 0.5], [0.5, 0.5])),
            after_use={name: type(sys.modules[name]).__name__ for name in gx.DEFERRED})
print(json.dumps(seen))
"""


def test_the_deferred_modules_are_stand_ins_until_an_expectation_reads_them() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["after_load"] == {"altair": "Deferred", "scipy.stats": "Deferred"}
    # Tools asking every module for its file do not import it.
    assert seen["file_asked"] is False
    # The one expectation that needs SciPy computes with the real module: same distribution.
    assert seen["kl_success"] is True and seen["kl_observed"] == 0.0
    assert seen["entropy"] == 0.0
    assert seen["after_use"]["scipy.stats"] == "module"
