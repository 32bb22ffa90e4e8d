#!/usr/bin/env python3
"""The risk-decomposition table of BENCHMARKS.md (issue 15, item 6): our
L-shaped decomposition of a plan under risk against HiGHS on the same
plan's extensive form (exported as MPS), single thread, in one run.

For each SIZE (PERIODSxPOOLSxPHASES of tests/common/timegen.rs, seed 1) and
SAMPLES (joint scenarios drawn from 12 independent demand shocks learnt on
one day; `benches/risk_decompose.rs` documents the generator):

  decomposition  `risk_decompose run FILE`: validate, compile every branch,
                 decompose, verify every branch, VSS and EVPI; the solve
                 seconds (decomposition only) and the whole run's wall time
                 and peak memory (wait4 rusage);
  HiGHS          the extensive form (MPS) with threads=1: solve seconds,
                 wall time and peak memory of its process.

Objectives must agree (relative 1e-6) or the script exits 1. With
`--highs-limit-factor F`, HiGHS's time limit is F times our solve seconds
(capped by --time-limit): a HiGHS run that stops at that limit shows the
ratio as "> F" (HiGHS did not solve the extensive form in F times our
time), which bounds a long comparison without overstating it. CPU
seconds (user + system of each whole process) are printed beside wall
time, since a shared machine's load inflates wall time unevenly. Ratios are
HiGHS / decomposition measured in this run: above 1 means we are faster.
Not run in CI.

Needs `pip install highspy`. Builds the bench binary with the (optimised)
test profile.

Example:
  python3 benches/risk_decompose.py --sizes 12x50x10 --samples 100,1000
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_highs import ROOT, agree, run_measured, solve_highs  # noqa: E402

BENCH = ["cargo", "bench", "--quiet", "--profile", "test", "--bench", "risk_decompose", "--"]


def binary():
    """The bench binary's path (built once)."""
    out = subprocess.run(
        ["cargo", "bench", "--profile", "test", "--bench", "risk_decompose", "--no-run",
         "--message-format", "json"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = json.loads(line)
        if m.get("reason") == "compiler-artifact" and m.get("executable") and \
                m["target"]["name"] == "risk_decompose":
            return m["executable"]
    raise SystemExit("no risk_decompose binary")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="12x50x10")
    ap.add_argument("--samples", default="1000")
    ap.add_argument("--time-limit", type=float, default=3600.0)
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "compare"))
    ap.add_argument("--highs-limit-factor", type=float, default=None,
                    help="HiGHS's time limit as a multiple of our solve seconds")
    a = ap.parse_args()
    exe = binary()
    print(f"load average {os.getloadavg()}")
    print("| size | scenarios | EF rows x cols | ours solve s | ours run s | ours CPU s | ours MiB | HiGHS solve s | HiGHS run s | HiGHS CPU s | HiGHS MiB | solve ratio | run ratio | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    bad = False
    for size in a.sizes.split(","):
        for n in a.samples.split(","):
            w = subprocess.run([exe, "write", a.out, size, n], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.split()
            toml, mps = w[0], w[1]
            cpu = {}
            text, wall, mem = run_measured([exe, "run", toml, str(a.time_limit)], a.time_limit + 600, cpu)
            ours = json.loads(text.strip().splitlines()[-1])
            limit = a.time_limit
            if a.highs_limit_factor is not None:
                limit = min(limit, a.highs_limit_factor * ours["solve_seconds"])
            h = solve_highs(mps, limit, [])
            stopped = h["status"] == "time_limit"
            ok = ours["verified"] and (stopped or agree(ours["objective"], h["objective"], 1e-6))
            bad |= not ok
            more = "> " if stopped else ""
            print(f"| {size} | {ours['scenarios']} | {ours['ef_rows']} x {ours['ef_cols']} | "
                  f"{ours['solve_seconds']:.2f} | {wall:.2f} | {cpu['cpu_s']:.2f} | {mem:.0f} | "
                  f"{more}{h['solve_seconds']:.2f} | {h['wall']:.2f} | {h['cpu_s']:.2f} | {h['mem_mib']:.0f} | "
                  f"{more}{h['solve_seconds'] / ours['solve_seconds']:.2f} | {more}{h['wall'] / wall:.2f} | "
                  f"{more}{h['cpu_s'] / cpu['cpu_s']:.2f} |"
                  + (f" HiGHS stopped at its {limit:.0f} s limit" if stopped else "")
                  + ("" if ok else f" DISAGREE {ours['objective']} vs {h['objective']} ({h['status']})"))
            print(f"<!-- ours: {json.dumps(ours)} -->")
            sys.stdout.flush()
    print(f"load average {os.getloadavg()}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
