#!/usr/bin/env python3
"""Re-derives the HiGHS optima that tests/plan_robust.rs compares with.

Each case is the flagship (examples/scenarios/hybrid_fleet.toml) with its
pre-training tokens, post-training FLOPs or owned counts edited exactly as
`text()` in the test does; the whole-device model is exported with
`fleetplan export --mps` and solved by HiGHS (one thread, mip_rel_gap 1e-6).
Run after any change to the performance or cost model moves the flagship:

    cargo build --release && python3 tests/reference/plan_robust_highs.py
"""
import os
import subprocess
import sys
import tempfile

import highspy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLAGSHIP = open(os.path.join(ROOT, "examples/scenarios/hybrid_fleet.toml")).read()
BIN = os.path.join(ROOT, "target/release/fleetplan")


def text(tokens=14.8e12, flops=2.04e23, counts=(10_000, 10_000, 30_000)):
    out, owned = [], 0
    for line in FLAGSHIP.split("\n"):
        if line.startswith("tokens = "):
            line = "tokens = %e" % tokens
        elif line.startswith("flops = "):
            line = "flops = %e" % flops
        elif line.startswith("count = "):
            owned += 1
            line = "count = %d" % counts[owned - 1]
        out.append(line)
    return "\n".join(out)


CASES = {
    "pretraining_of_a_thousand_tokens": dict(tokens=1e3),
    "pretraining_of_one_token": dict(tokens=1.0),
    "posttraining_of_1e11_flop": dict(flops=1e11),
    "owned_pools_of_the_largest_size[1]": dict(counts=(10_000, 10_000_000, 30_000)),
    "owned_pools_of_the_largest_size[2]": dict(counts=(10_000, 10_000, 10_000_000)),
}

with tempfile.TemporaryDirectory() as d:
    for name, kw in CASES.items():
        toml, mps = os.path.join(d, "s.toml"), os.path.join(d, "s.mps")
        open(toml, "w").write(text(**kw))
        subprocess.run([BIN, "export", toml, "--mps", mps], check=True, capture_output=True)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 1e-6)
        h.readModel(mps)
        h.run()
        status = h.modelStatusToString(h.getModelStatus())
        print(f"{name}: {status} {h.getInfo().objective_function_value!r}")
        if status != "Optimal":
            sys.exit(1)
