"""fleetplan: plan heterogeneous accelerator fleets from Python.

The planner is the Rust library ``fleetplan`` (its own exact LP/MILP engine);
this package is a thin layer over it. Every result comes from the library's
own serialisation, so ``plan(...).to_json()`` is the text the CLI prints for
``fleetplan plan FILE --format json``, byte for byte.

>>> import fleetplan
>>> s = fleetplan.load("examples/scenarios/hybrid_fleet.toml")   # doctest: +SKIP
>>> p = fleetplan.plan(s, fractional=True)                         # doctest: +SKIP
>>> p.status, p.verified                                           # doctest: +SKIP
('optimal', True)

Tables (``Plan.assignments``, ``purchases``, ``schedule``, ``binding``,
``phases``, ``pools``; ``Sweep.points``; ``Verification.checks``) are lists of
records, dicts with the same keys in every row, which ``pandas.DataFrame``
takes as they are. Solves release the GIL.
"""

from ._fleetplan import (
    FleetplanError,
    Justification,
    Plan,
    Planner,
    Scenario,
    Sweep,
    ValidatedScenario,
    ValidationError,
    Verification,
    justify,
    load,
    plan,
    sweep,
    verify,
)

__all__ = [
    "FleetplanError",
    "Justification",
    "Plan",
    "Planner",
    "Scenario",
    "Sweep",
    "ValidatedScenario",
    "ValidationError",
    "Verification",
    "justify",
    "load",
    "plan",
    "sweep",
    "verify",
]

__version__ = "0.1.0"
