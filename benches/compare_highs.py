#!/usr/bin/env python3
"""Time `fleetplan lp solve` against HiGHS on the same MPS files.

Run by hand (not in CI); needs `pip install highspy numpy` and a release build
(`cargo build --release`). Each solve runs in a fresh process, single thread;
the times compared are *solve only* (reading excluded) as each solver reports
them, plus the peak resident memory of each process (wait4 rusage).

Suites (instances under $FLEETPLAN_LP_SUITE, default ../shared/lp):
  netlib   the 38 Netlib LPs
  miplib   the MIPLIB 3 instances (time limit applies)
  status   infeasible / unbounded instances (status must agree)
  assign   the planner's LP family from gen_assign.py, generated under
           target/compare/ (never committed): 8x12, 100x100, 500x1000, 2000x2000
           (--sizes to choose; the big ones take minutes to generate and solve)
  FILE...  any MPS files given on the command line

Prints a per-instance table and geometric-mean ratios (fleetplan / HiGHS;
below 1 means fleetplan is faster). Exit status 1 if any objective or status
disagrees.

Examples:
  python3 benches/compare_highs.py netlib
  python3 benches/compare_highs.py assign --sizes 8x12,100x100,500x1000
  python3 benches/compare_highs.py --repeat 3 miplib --time-limit 60
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HIGHS_CHILD = r"""
import json, sys, time
import highspy
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("threads", 1)
h.setOptionValue("time_limit", float(sys.argv[2]))
for kv in sys.argv[3:]:
    k, v = kv.split("=", 1)
    for conv in (int, float, str):
        try:
            v2 = conv(v)
            break
        except ValueError:
            pass
    if v in ("true", "false"):
        v2 = v == "true"
    h.setOptionValue(k, v2)
h.readModel(sys.argv[1])
t0 = time.perf_counter()
h.run()
t = time.perf_counter() - t0
st = h.modelStatusToString(h.getModelStatus()).lower()
info = h.getInfo()
obj = info.objective_function_value
if "optimal" in st:
    status = "optimal"
elif "infeasible" in st and "unbounded" not in st:
    status = "infeasible"
elif "unbounded" in st:
    status = "unbounded"
elif "time" in st:
    status = "time_limit"
else:
    status = st
gap = info.mip_gap if h.getLp().integrality_ else None
print(json.dumps({"status": status, "objective": obj if status in ("optimal", "time_limit") else None,
                  "solve_seconds": t, "raw_status": st, "gap": gap}))
"""


def run_measured(cmd, timeout, cpu=None):
    """Runs cmd in a fresh process; returns (stdout, wall seconds, peak RSS MiB).
    When `cpu` is a dict, its "cpu_s" is set to the process's user + system
    seconds (what a loaded machine does not inflate)."""
    with tempfile.TemporaryFile() as out:
        import time
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        try:
            _, status, ru = os.wait4(p.pid, 0)
        except KeyboardInterrupt:
            p.kill()
            raise
        wall = time.perf_counter() - t0
        if cpu is not None:
            cpu["cpu_s"] = ru.ru_utime + ru.ru_stime
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    return text, wall, ru.ru_maxrss / 1024.0


def solve_fleetplan(binary, path, time_limit, gap=None):
    cmd = [binary, "lp", "solve", path, "--format", "json", "--time-limit", str(time_limit)]
    if gap is not None:
        cmd += ["--relative-gap", str(gap)]
    text, wall, mem = run_measured(cmd, time_limit + 30)
    try:
        r = json.loads(text)
    except json.JSONDecodeError:
        r = {"status": "error", "objective": None, "solve_seconds": float("nan"), "raw": text[:200]}
    r["wall"] = wall
    r["mem_mib"] = mem
    return r


def solve_highs(path, time_limit, options):
    cmd = [sys.executable, "-c", HIGHS_CHILD, path, str(time_limit)] + options
    cpu = {}
    text, wall, mem = run_measured(cmd, time_limit + 30, cpu)
    try:
        r = json.loads(text.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        r = {"status": "error", "objective": None, "solve_seconds": float("nan")}
    r["wall"] = wall
    r["mem_mib"] = mem
    r["cpu_s"] = cpu.get("cpu_s", float("nan"))
    return r


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def agree(a, b, rel):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def gen_assign(suite, sizes):
    outdir = os.path.join(ROOT, "target", "compare")
    os.makedirs(outdir, exist_ok=True)
    paths = []
    for s in sizes:
        p, k = s.lower().split("x")
        path = os.path.join(outdir, "assign_%sx%s.mps" % (p, k))
        if not os.path.exists(path):
            print("generating", path, "...", file=sys.stderr, flush=True)
            subprocess.run([sys.executable, os.path.join(suite, "gen_assign.py"), outdir, "%s,%s" % (p, k)],
                           check=True, stdout=subprocess.DEVNULL)
        paths.append(path)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", nargs="+", help="netlib | miplib | status | assign | MPS files")
    ap.add_argument("--suite", default=os.environ.get("FLEETPLAN_LP_SUITE", os.path.join(ROOT, "..", "shared", "lp")))
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "fleetplan"))
    ap.add_argument("--sizes", default="8x12,100x100,500x1000,2000x2000")
    ap.add_argument("--repeat", type=int, default=1, help="runs per instance and solver; the median is used")
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--rel-tol", type=float, default=None,
                    help="objective agreement (default 1e-7 for assign, 1e-6 otherwise)")
    ap.add_argument("--highs-option", action="append", default=[], help="extra HiGHS option k=v")
    ap.add_argument("--gap", type=float, default=None,
                    help="relative MIP gap for both solvers (HiGHS's mip_rel_gap)")
    args = ap.parse_args()

    if not os.path.exists(args.binary):
        sys.exit("no fleetplan binary at %s: run `cargo build --release` first" % args.binary)
    files = []
    rel = args.rel_tol
    for w in args.what:
        if w in ("netlib", "miplib", "status"):
            d = os.path.join(args.suite, w)
            files += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".mps"))
        elif w == "assign":
            files += gen_assign(args.suite, args.sizes.split(","))
            rel = rel if rel is not None else 1e-7
        else:
            files.append(w)
    rel = rel if rel is not None else 1e-6

    print("%-22s %10s %10s %9s %9s %9s %9s %s" % (
        "instance", "fp_sec", "highs_sec", "ratio", "fp_MiB", "hs_MiB", "fp_iter", "agree"))
    ratios, bad = [], 0
    for path in files:
        name = os.path.splitext(os.path.basename(path))[0]
        fr, hr = [], []
        for _ in range(args.repeat):
            fr.append(solve_fleetplan(args.binary, path, args.time_limit, args.gap))
            hopts = args.highs_option + ([] if args.gap is None else ["mip_rel_gap=%g" % args.gap])
            hr.append(solve_highs(path, args.time_limit, hopts))
        f, h = fr[-1], hr[-1]
        ft = median([r.get("solve_seconds", float("nan")) for r in fr])
        ht = median([r.get("solve_seconds", float("nan")) for r in hr])
        fm = max(r["mem_mib"] for r in fr)
        hm = max(r["mem_mib"] for r in hr)
        ok = f.get("status") == h.get("status") and (
            f.get("status") != "optimal" or agree(f.get("objective"), h.get("objective"), rel))
        # both stopped by the time limit (fleetplan says "feasible" when it
        # holds an incumbent, "time_limit" otherwise): not a disagreement
        limited = (f.get("status") in ("feasible", "time_limit")
                   and h.get("status") == "time_limit")
        bad += not (ok or limited)
        ratio = ft / ht if ht and ht > 0 and ft == ft else float("nan")
        if ok and ratio == ratio and f.get("status") == "optimal":
            ratios.append(ratio)
        print("%-22s %10.4f %10.4f %9.3f %9.1f %9.1f %9s %s" % (
            name, ft, ht, ratio, fm, hm, f.get("iterations", "-"),
            "yes" if ok else ("both at the limit (fp %s %s)" % (f.get("status"), f.get("objective"))) if limited else "NO (fp %s %s, highs %s %s)" % (
                f.get("status"), f.get("objective"), h.get("status"), h.get("objective"))), flush=True)
        if f.get("gap") is not None or h.get("gap") is not None:
            print("%-22s objective fp %s hs %s; gap fp %s hs %s" % (
                "", f.get("objective"), h.get("objective"), f.get("gap"), h.get("gap")), flush=True)
    print("\n(hs_MiB includes the Python interpreter hosting highspy, about 30 MiB)")
    if ratios:
        g = math.exp(sum(math.log(max(r, 1e-12)) for r in ratios) / len(ratios))
        print("\ngeometric-mean time ratio fleetplan/HiGHS over %d agreeing optimal instances: %.3f" % (len(ratios), g))
    if bad:
        print("%d instance(s) disagree" % bad)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
