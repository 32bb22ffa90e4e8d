#!/usr/bin/env python3
"""The time-phased scale table of BENCHMARKS.md (issue 14): fleetplan against
HiGHS on the same seeded time-phased scenarios, in one run.

For each size PERIODSxPOOLSxPHASES (the generator of tests/common/timegen.rs,
seed 1, written by `cargo bench --bench plan_time -- write`):

  plan LP     `fleetplan plan --fractional --format json` (validate, compile,
              solve, verify, report), wall time and peak memory of the process;
  export      `fleetplan export [--fractional] --mps` of the same model;
  engine LP   `fleetplan lp solve` on the exported LP (solve seconds as the
              engine reports them);
  HiGHS LP    HiGHS (single thread) on the same file, solve seconds;
  and, with --whole, the same for the whole-device MILP at --gap.

Each solve runs in a fresh process (wait4 rusage for peak memory). Ratios are
fleetplan / HiGHS measured in this run; below 1 means fleetplan is faster.
Objectives must agree (relative 1e-6 for LPs; within the gap for MILPs) or the
script exits 1. Not run in CI (minutes to hours at the largest size).

Needs `pip install highspy` and `cargo build --release`.

Examples:
  python3 benches/plan_time_scale.py --sizes 12x50x20,24x100x20
  python3 benches/plan_time_scale.py --sizes 24x500x100 --whole --gap 1e-4 --time-limit 3600
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_highs import ROOT, agree, run_measured, solve_fleetplan, solve_highs  # noqa: E402


def write_scenarios(out_dir, sizes):
    cmd = ["cargo", "bench", "--quiet", "--bench", "plan_time", "--", "write", out_dir] + sizes
    text = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [line.strip() for line in text.splitlines() if line.strip().endswith(".toml")]


def with_settings(path, whole, gap, time_limit):
    """A copy of the scenario with the solve settings of this run."""
    out = path.replace(".toml", "_whole.toml" if whole else "_lp.toml")
    text = open(path).read()
    if "[settings]" in text:
        raise SystemExit(f"{path} already has [settings]; the generator changed")
    text += f"\n[settings]\nwhole_devices = {'true' if whole else 'false'}\nmip_gap = {gap}\ntime_limit_s = {time_limit}\n"
    with open(out, "w") as f:
        f.write(text)
    return out


def plan(binary, path, whole, time_limit):
    cmd = [binary, "plan", path, "--format", "json", "--time-limit", str(time_limit)]
    if not whole:
        cmd.append("--fractional")
    text, wall, mem = run_measured(cmd, time_limit + 60)
    try:
        p = json.loads(text)
    except json.JSONDecodeError:
        return {"status": "error", "objective": None, "wall": wall, "mem_mib": mem, "verified": False}
    return {
        "status": p.get("status"),
        "objective": p.get("objective"),
        "verified": p.get("verified"),
        "gap": (p.get("solve") or {}).get("gap"),
        "rows": (p.get("solve") or {}).get("rows"),
        "cols": (p.get("solve") or {}).get("cols"),
        "wall": wall,
        "mem_mib": mem,
    }


def export(binary, path, whole, mps):
    cmd = [binary, "export", path, "--mps", mps]
    if not whole:
        cmd.append("--fractional")
    subprocess.run(cmd, check=True, capture_output=True)


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="24x500x100", help="comma-separated PERIODSxPOOLSxPHASES")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "fleetplan"))
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "compare"))
    ap.add_argument("--time-limit", type=float, default=3600.0)
    ap.add_argument("--whole", action="store_true", help="also the whole-device MILP")
    ap.add_argument("--gap", type=float, default=1e-4, help="relative MIP gap of both solvers")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sizes = [s for s in args.sizes.split(",") if s]
    files = write_scenarios(args.out, sizes)
    rows = []
    bad = False
    for size, base in zip(sizes, files):
        for whole in [False] + ([True] if args.whole else []):
            kind = "MILP" if whole else "LP"
            scen = with_settings(base, whole, args.gap, args.time_limit)
            p = plan(args.binary, scen, whole, args.time_limit)
            mps = scen.replace(".toml", ".mps")
            export(args.binary, scen, whole, mps)
            e = solve_fleetplan(args.binary, mps, args.time_limit, args.gap if whole else None)
            hopts = [f"mip_rel_gap={args.gap}"] if whole else []
            h = solve_highs(mps, args.time_limit, hopts)
            rel = max(args.gap, 1e-6) if whole else 1e-6
            ok = e.get("status") == h.get("status") and agree(e.get("objective"), h.get("objective"), rel)
            ok = ok and bool(p.get("verified"))
            bad |= not ok
            es, hs = e.get("solve_seconds"), h.get("solve_seconds")
            ratio = es / hs if es and hs else None
            rows.append((size, kind, p, e, h, ratio, ok))
            os.remove(mps)
            print(json.dumps({"size": size, "kind": kind, "plan": p, "engine": e, "highs": h, "ratio": ratio, "agree": ok}), flush=True)
    print()
    print(f"{'size':<12} {'kind':<5} {'rows':>7} {'cols':>9} {'plan_s':>8} {'plan_MiB':>8} {'verified':>8} "
          f"{'engine_s':>9} {'highs_s':>9} {'ratio':>7} {'hs_MiB':>7} {'agree':>5}")
    for size, kind, p, e, h, ratio, ok in rows:
        print(f"{size:<12} {kind:<5} {fmt(p.get('rows'), 'd'):>7} {fmt(p.get('cols'), 'd'):>9} "
              f"{p['wall']:>8.2f} {p['mem_mib']:>8.0f} {str(p.get('verified')):>8} "
              f"{fmt(e.get('solve_seconds'), '.2f'):>9} {fmt(h.get('solve_seconds'), '.2f'):>9} "
              f"{fmt(ratio, '.3f'):>7} {h['mem_mib']:>7.0f} {str(ok):>5}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
