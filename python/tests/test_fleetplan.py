"""Tests of the Python package (issue 18).

The reference answers come from outside the bindings: the CLI binary's own
output for the same scenario (built from the same library, but through the
CLI's argument parsing and printing, not through PyO3), the independent
verifier, and hand-made invalid scenarios whose field paths are known.
"""

import json
import os
import pathlib
import subprocess
import threading
import time

import pytest

import fleetplan

ROOT = pathlib.Path(os.environ.get("FLEETPLAN_ROOT", pathlib.Path(__file__).resolve().parents[2]))
SCEN = ROOT / "examples" / "scenarios"
FLAGSHIP = SCEN / "hybrid_fleet.toml"
QUICK = SCEN / "quickstart.toml"


def cli(*args):
    """Runs the fleetplan CLI; returns (exit status, stdout bytes)."""
    exe = os.environ.get("FLEETPLAN_BIN", str(ROOT / "target" / "release" / "fleetplan"))
    if not pathlib.Path(exe).exists():
        pytest.fail(f"the CLI is not built at {exe} (python/ci.sh builds it; or set FLEETPLAN_BIN)")
    r = subprocess.run([exe, *args], capture_output=True, timeout=600, cwd=str(ROOT))
    return r.returncode, r.stdout


@pytest.fixture(scope="module")
def flagship_plan():
    return fleetplan.plan(fleetplan.load(str(FLAGSHIP)))


def test_flagship_matches_cli_bytes_objective_and_verification(flagship_plan, tmp_path):
    p = flagship_plan
    code, out = cli("plan", str(FLAGSHIP), "--format", "json")
    assert code == 0
    # The CLI prints the JSON and a newline; the same bytes from Python.
    assert out == (p.to_json() + "\n").encode("utf-8")
    cli_plan = json.loads(out)
    assert p.objective == cli_plan["objective"]
    assert p.status == cli_plan["status"] == "optimal"
    assert p.verified and cli_plan["verified"]
    assert p.to_dict() == cli_plan
    # The CLI's verifier on the plan Python made, and Python's on the CLI's.
    f = tmp_path / "plan.json"
    f.write_text(p.to_json())
    code, vout = cli("verify", str(FLAGSHIP), "--plan", str(f), "--format", "json")
    assert code == 0
    v_cli = json.loads(vout)
    v_py = fleetplan.verify(fleetplan.load(str(FLAGSHIP)), cli_plan)
    assert v_py.verified and v_cli["verified"]
    assert v_py.to_dict() == v_cli
    assert bool(v_py)


def test_flagship_cost_adds_up(flagship_plan):
    c = flagship_plan.cost
    assert flagship_plan.objective == pytest.approx(c["total_usd"], rel=1e-9)
    parts = c["capital_charge_usd"] + c["rental_usd"] + c["energy_usd"]
    assert c["total_usd"] == pytest.approx(parts, rel=1e-9, abs=1e-6)


def _uniform_records(rows, keys):
    assert isinstance(rows, list)
    for r in rows:
        assert isinstance(r, dict)
        assert set(r) == set(keys), (set(r), keys)


def test_tables_are_records(flagship_plan):
    p = flagship_plan
    assert p.assignments and p.schedule and p.binding
    _uniform_records(p.assignments, p.assignments[0].keys())
    assert {"phase", "pool", "accelerator", "devices", "device_hours"} <= set(p.assignments[0])
    _uniform_records(p.schedule, ["phase", "pool", "from_hours", "to_hours", "devices"])
    _uniform_records(p.binding, ["constraint", "meaning", "shadow_price", "unit"])
    if p.purchases:
        _uniform_records(p.purchases, p.purchases[0].keys())
    # The records are the JSON's lists, row for row.
    d = p.to_dict()
    for key in ["assignments", "purchases", "schedule", "binding", "phases", "pools"]:
        assert getattr(p, key) == d[key]
    # Device-hours of the schedule add up to the assignments' (per phase, pool).
    sums = {}
    for s in p.schedule:
        k = (s["phase"], s["pool"])
        sums[k] = sums.get(k, 0.0) + s["devices"] * (s["to_hours"] - s["from_hours"])
    for a in p.assignments:
        assert sums.get((a["phase"], a["pool"]), 0.0) == pytest.approx(a["device_hours"], rel=1e-6, abs=1e-6)


def test_pandas_takes_records(flagship_plan):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(flagship_plan.assignments)
    assert len(df) == len(flagship_plan.assignments)
    assert {"phase", "pool", "devices"} <= set(df.columns)
    assert len(pd.DataFrame(flagship_plan.schedule)) == len(flagship_plan.schedule)


def test_load_forms_agree():
    text = QUICK.read_text()
    a = fleetplan.load(str(QUICK))
    b = fleetplan.load(QUICK)  # os.PathLike
    c = fleetplan.load(text)  # TOML text
    d = fleetplan.load(a.to_dict())  # dict
    e = fleetplan.load(a.to_json())  # JSON text
    assert a.name == "quickstart"
    for s in (b, c, d, e):
        assert s.to_dict() == a.to_dict()
    p1 = fleetplan.plan(a)
    p2 = fleetplan.plan(d.validate())  # a validated one is accepted as is
    assert p1.to_json() == p2.to_json()
    code, out = cli("plan", str(QUICK), "--format", "json")
    assert code == 0 and out == (p1.to_json() + "\n").encode()


BAD = """
name = "bad"
start = "2025-08-15"
horizon_days = 90
jurisdiction = "CN"
objective = "min_cost"

[[pools]]
name = "h800"
accelerator = "H9000"
count = 2048
ownership = { kind = "owned", sunk = true }

[[pools]]
name = "h800"
accelerator = "H800"
count = 16
ownership = { kind = "owned", sunk = true }
"""


def test_validation_error_lists_every_issue(tmp_path):
    s = fleetplan.load(BAD)
    with pytest.raises(fleetplan.ValidationError) as ei:
        s.validate()
    issues = ei.value.issues
    assert len(issues) >= 2
    for i in issues:
        assert set(i) == {"code", "path", "message", "fix"}
        assert i["code"] and i["path"] and i["message"] and i["fix"]
    paths = [i["path"] for i in issues]
    assert any(p.startswith("pools[0].accelerator") for p in paths), paths
    assert any(p.startswith("pools[1].name") for p in paths), paths
    assert isinstance(ei.value, fleetplan.FleetplanError)
    # The same issues as the CLI's `validate --format json`.
    f = tmp_path / "bad.toml"
    f.write_text(BAD)
    code, out = cli("validate", str(f), "--format", "json")
    assert code == 1
    assert json.loads(out)["issues"] == issues
    # plan() validates on the way.
    with pytest.raises(fleetplan.ValidationError):
        fleetplan.plan(s)


def test_unreadable_inputs_are_typed_errors(tmp_path):
    with pytest.raises(fleetplan.FleetplanError) as ei:
        fleetplan.load(str(tmp_path / "missing.toml"))
    assert ei.value.kind == "io"
    with pytest.raises(fleetplan.FleetplanError) as ei:
        fleetplan.load("name = [unclosed")
    assert ei.value.kind == "parse"
    with pytest.raises(ValueError):
        fleetplan.load(42)
    with pytest.raises(fleetplan.FleetplanError) as ei:
        fleetplan.plan(str(QUICK), time_limit=-1.0)
    assert ei.value.kind == "options"


def test_infeasible_plan_is_explained():
    # The quickstart with its pre-training deadline at day 1: no fleet can
    # deliver the work, so the plan is infeasible with an explanation.
    s = fleetplan.load(str(QUICK))
    d = s.to_dict()
    for ph in d["phases"]:
        if ph["kind"] == "pretraining":
            ph["deadline_days"] = 1
    p = fleetplan.plan(d)
    assert p.status == "infeasible"
    assert p.objective is None
    assert p.infeasibility is not None
    assert p.to_dict()["infeasibility"] == p.infeasibility


def test_sweep_matches_cli_and_is_monotone():
    spec = "policy.rules[3].levy=0..0.3:4"
    t = fleetplan.sweep(str(FLAGSHIP), set=spec, fractional=True)
    assert len(t) == 4
    assert t.values == [0.0, 0.1, 0.2, 0.3]
    _uniform_records(t.points, t.points[0].keys())
    assert all(p["verified"] for p in t.points)
    # A dearer levy never makes the optimum cheaper (metamorphic property).
    objs = [p["objective"] for p in t.points]
    assert all(b >= a - 1e-6 * max(1.0, abs(a)) for a, b in zip(objs, objs[1:])), objs
    code, out = cli("sweep", str(FLAGSHIP), "--set", spec, "--fractional", "--format", "json", "--quiet")
    assert code == 0
    assert out == (t.to_json() + "\n").encode()
    # path=/values= is the same sweep.
    t2 = fleetplan.sweep(fleetplan.load(str(FLAGSHIP)), "policy.rules[3].levy", [0.0, 0.1, 0.2, 0.3], fractional=True)
    assert t2.to_dict() == t.to_dict()
    with pytest.raises(fleetplan.FleetplanError):
        fleetplan.sweep(str(FLAGSHIP), set="policy.rules[3].nothing=0..1:2", fractional=True)


def test_justify_matches_cli():
    j = fleetplan.justify(str(FLAGSHIP), fractional=True)
    assert j.memo
    assert j.plan.verified
    code, out = cli("justify", str(FLAGSHIP), "--fractional", "--format", "json")
    assert code == 0
    assert json.loads(out) == j.to_dict()
    cf = j.counterfactual
    if cf["extra_cost_usd"] is not None:
        # The counterfactual has fewer pools, so it cannot be cheaper.
        assert cf["extra_cost_usd"] >= -1e-6 * abs(j.plan.objective)


def test_planner_session_matches_a_fresh_plan():
    vs = fleetplan.load(str(FLAGSHIP)).validate()
    assert "h100-owned" in vs.pools
    pl = fleetplan.Planner(vs, fractional=True)
    base = pl.solve()
    assert base.verified
    pl.set_pool_count("h100-owned", 30_000)
    pl.set_price("ascend-910c-buy", 25_000.0)
    warm = pl.solve()
    assert warm.verified
    # The same change made to the scenario and planned cold.
    s = vs.scenario.with_value("pools[h100-owned].count", 30_000).with_value(
        "pools[ascend-910c-buy].ownership.unit_price_usd", 25_000
    )
    cold = fleetplan.plan(s, fractional=True)
    assert warm.objective == pytest.approx(cold.objective, rel=1e-7)
    assert warm.objective <= base.objective + 1e-6 * abs(base.objective)
    with pytest.raises(KeyError):
        pl.set_price("no-such-pool", 1.0)
    with pytest.raises(ValueError):
        pl.set_price("ascend-910c-buy", -5.0)


def test_gil_is_released_during_solves():
    # While solves run in a thread, the main thread keeps running Python.
    # Were the GIL held during a solve, the main thread could not run
    # Python while any solve is under way, so no tick would fall inside a
    # solve. Released, the main thread ticks about once a millisecond
    # throughout (on the second core), so most solves (a few ms each)
    # contain a tick. Independent of the machine's speed: it compares
    # where ticks fall, not how many there are.
    ticks = []
    solves = []
    done = threading.Event()

    def work():
        t = time.perf_counter()
        for _ in range(200):  # bounded
            a = time.perf_counter()
            fleetplan.plan(str(FLAGSHIP))
            solves.append((a, time.perf_counter()))
            if time.perf_counter() - t > 0.3:
                break
        done.set()

    th = threading.Thread(target=work)
    th.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    th.join()
    inside = sum(1 for a, b in solves if any(a < t < b for t in ticks))
    print(f"GIL: {len(ticks)} ticks, {inside} of {len(solves)} solves contain one")
    assert len(solves) >= 2
    assert inside >= max(1, len(solves) // 2), (inside, len(solves), len(ticks))


def test_docstrings_and_stubs_are_shipped():
    assert fleetplan.plan.__doc__ and fleetplan.load.__doc__
    assert fleetplan.Plan.to_json.__doc__
    pkg = pathlib.Path(fleetplan.__file__).parent
    assert (pkg / "__init__.pyi").is_file()
    assert (pkg / "py.typed").is_file()


def test_planner_levy_and_demand_match_fresh_plans():
    vs = fleetplan.load(str(FLAGSHIP)).validate()
    pl = fleetplan.Planner(vs, fractional=True)
    pl.solve()
    # policy.rules[3] is the H20 licence (15%); raised to 25%
    pl.set_levy(3, 0.25)
    pl.set_demand("pretrain", tokens=10e12)
    warm = pl.solve()
    assert warm.verified
    s = vs.scenario.with_value("policy.rules[3].levy", 0.25).with_value(
        "phases[pretrain].tokens", 10e12
    )
    cold = fleetplan.plan(s, fractional=True)
    assert warm.objective == pytest.approx(cold.objective, rel=1e-7)
    with pytest.raises(KeyError):
        pl.set_levy(99, 0.1)
    with pytest.raises(fleetplan.FleetplanError):
        pl.set_levy(0, 0.1)  # a prohibition has no levy
    with pytest.raises(ValueError):
        pl.set_demand("pretrain", tokens=1.0, flops=1.0)
