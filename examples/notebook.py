# %% [markdown]
# # The hybrid fleet, from Python
#
# A notebook-style walk through `examples/scenarios/hybrid_fleet.toml`: a
# Chinese lab in August 2025 owning H800, H100 and H20 (mostly committed),
# with Ascend 910C and more H20 to buy under US export rules and China's
# justification and domestic-share rules. Run it as a script
# (`python examples/notebook.py`, after installing the wheel: README, "Use
# it from Python") or cell by cell in any editor that knows `# %%`.
# pandas is used when installed; every table is a list of records anyway.

# %%
import pathlib

import fleetplan

try:
    import pandas as pd
except ImportError:  # the tables are lists of dicts without it
    pd = None

here = pathlib.Path(__file__).resolve().parent
path = here / "scenarios" / "hybrid_fleet.toml"


def show(records, columns=None):
    """Prints a table of records (a DataFrame when pandas is there)."""
    if pd is not None:
        df = pd.DataFrame(records)
        print(df[columns] if columns else df)
    else:
        for r in records:
            print({k: r[k] for k in (columns or r)})


# %% [markdown]
# ## Load and validate
# A bad field is a `ValidationError` listing every problem with its path
# and fix; here the scenario is valid.

# %%
scenario = fleetplan.load(path)
vs = scenario.validate()
print(vs)
print("pools:", vs.pools)
print("phases:", vs.phases)

broken = scenario.to_dict()
broken["pools"][0]["accelerator"] = "H9000"
try:
    fleetplan.load(broken).validate()
except fleetplan.ValidationError as e:
    for issue in e.issues:
        print(issue["code"], issue["path"], "-", issue["fix"])

# %% [markdown]
# ## Plan
# Whole devices, least cost; the GIL is released while the engine solves.

# %%
p = fleetplan.plan(vs)
print(p)
print({k: round(v) for k, v in p.cost.items()})
show(p.assignments, ["phase", "pool", "devices", "device_hours"])
show(p.purchases, ["pool", "devices", "cost_usd", "levy_usd", "arrives_day"])
show(p.binding[:5], ["constraint", "shadow_price", "unit"])

# %% [markdown]
# ## What the independent verifier says

# %%
v = fleetplan.verify(vs, p)
print(v, "| failed:", [c["name"] for c in v.failures])

# %% [markdown]
# ## The levy on H20 purchases, swept (warm-started)

# %%
t = fleetplan.sweep(vs, set="policy.rules[3].levy=0..0.3:7", fractional=True)
show(t.points, ["value", "status", "total_usd", "levy_usd"])

# %% [markdown]
# ## What if: a session with 30,000 H100 free and cheaper Ascend

# %%
session = fleetplan.Planner(vs, fractional=True)
base = session.solve()
session.set_pool_count("h100-owned", 30_000)
session.set_price("ascend-910c-buy", 25_000.0)
what_if = session.solve()
print(f"base ${base.objective:,.0f} -> what-if ${what_if.objective:,.0f}")

# %% [markdown]
# ## The justification memo (the domestic-only counterfactual)

# %%
j = fleetplan.justify(vs, fractional=True)
print(j.memo)
