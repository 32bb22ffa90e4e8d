"""Type stubs of the ``fleetplan`` Python package (issue 18)."""

import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

__version__: str

Record = Dict[str, Any]
"""One row of a table: the same keys in every row of a table."""

ScenarioSource = Union[str, "os.PathLike[str]", Mapping[str, Any], "Scenario", "ValidatedScenario"]
"""A path (``.toml``/``.json``), TOML or JSON text, a dict, or a scenario."""

class FleetplanError(Exception):
    """Any failure of fleetplan."""

    kind: str
    """``parse``, ``io``, ``invalid``, ``model``, ``options``, ``internal``, ..."""

class ValidationError(FleetplanError):
    """The scenario is invalid."""

    issues: List[Record]
    """Every problem at once: ``{code, path, message, fix}``, e.g.
    ``{"code": "E-ACCEL-UNKNOWN", "path": "pools[0].accelerator", ...}``."""

class Scenario:
    """A scenario as read, not yet validated."""

    @property
    def name(self) -> str: ...
    def validate(self) -> ValidatedScenario:
        """Checks every field.

        Raises:
            ValidationError: with ``.issues`` listing every problem.
        """
    def to_dict(self) -> Dict[str, Any]:
        """The scenario's JSON form as a dict."""
    def to_json(self) -> str: ...
    def to_toml(self) -> str: ...
    def with_value(self, path: str, value: float) -> Scenario:
        """A copy with the number at ``path`` (``pools[h100].count``,
        ``policy.rules[0].levy``) set to ``value``.

        Raises:
            FleetplanError: when the path names no number.
        """

class ValidatedScenario:
    """A validated scenario: ``plan`` accepts it as it is."""

    @property
    def name(self) -> str: ...
    @property
    def scenario(self) -> Scenario: ...
    @property
    def pools(self) -> List[str]:
        """Pool names, in order."""
    @property
    def phases(self) -> List[str]:
        """Phase names, in order."""
    def validate(self) -> ValidatedScenario:
        """Already validated: returns itself."""
    def to_dict(self) -> Dict[str, Any]: ...

class Plan:
    """A plan: what runs where, what to buy and rent, its cost, what binds."""

    @property
    def status(self) -> str:
        """``optimal``, ``feasible``, ``infeasible``, ``unbounded`` or ``limit``."""
    @property
    def objective(self) -> Optional[float]: ...
    @property
    def objective_kind(self) -> str: ...
    @property
    def gap(self) -> float: ...
    @property
    def whole_devices(self) -> bool: ...
    @property
    def verified(self) -> bool:
        """Whether the independent verifier passed."""
    @property
    def scenario(self) -> str: ...
    @property
    def cost(self) -> Dict[str, float]:
        """``capex_usd``, ``rental_usd``, ``energy_usd``, ``levy_usd``,
        ``capital_charge_usd``, ``total_usd``."""
    @property
    def assignments(self) -> List[Record]:
        """``phase, pool, accelerator, devices, device_hours, domestic``."""
    @property
    def purchases(self) -> List[Record]:
        """``pool, accelerator, devices, cost_usd, levy_usd, ...``."""
    @property
    def schedule(self) -> List[Record]:
        """``phase, pool, from_hours, to_hours, devices``."""
    @property
    def binding(self) -> List[Record]:
        """``constraint, meaning, shadow_price, unit``."""
    @property
    def phases(self) -> List[Record]: ...
    @property
    def pools(self) -> List[Record]: ...
    @property
    def infeasibility(self) -> Optional[Dict[str, Any]]: ...
    @property
    def verification(self) -> Dict[str, Any]: ...
    def to_json(self) -> str:
        """The CLI's ``plan --format json`` text, byte for byte (without
        the trailing newline the CLI adds)."""
    def to_dict(self) -> Dict[str, Any]:
        """``json.loads(self.to_json())``."""
    def to_table(self) -> str: ...
    def to_markdown(self) -> str: ...

class Verification:
    """The independent verifier's report."""

    @property
    def verified(self) -> bool: ...
    @property
    def checks(self) -> List[Record]:
        """``name, ok, detail``."""
    @property
    def warnings(self) -> List[Record]: ...
    @property
    def failures(self) -> List[Record]: ...
    def to_dict(self) -> Dict[str, Any]:
        """``{verified, checks, warnings}``: the CLI's ``verify --format json``."""
    def __bool__(self) -> bool: ...

class Justification:
    """The plan and its domestic-only counterfactual."""

    @property
    def required(self) -> bool: ...
    @property
    def memo(self) -> str: ...
    @property
    def plan(self) -> Plan: ...
    @property
    def foreign_pools_used(self) -> List[str]: ...
    @property
    def counterfactual(self) -> Dict[str, Any]: ...
    def to_json(self) -> str:
        """The CLI's ``justify --format json`` text."""
    def to_dict(self) -> Dict[str, Any]: ...

class Sweep:
    """A sweep's table: one record per value."""

    @property
    def path(self) -> str: ...
    @property
    def values(self) -> List[float]: ...
    @property
    def points(self) -> List[Record]:
        """``value, status, objective, total_usd, levy_usd, purchases,
        binding, issues, verified, iterations``."""
    def to_json(self) -> str:
        """The CLI's ``sweep --format json`` text."""
    def to_dict(self) -> Dict[str, Any]: ...
    def __len__(self) -> int: ...

class Planner:
    """A planning session: typed setters and warm re-solves."""

    def __init__(
        self,
        scenario: ScenarioSource,
        *,
        fractional: bool = False,
        time_limit: Optional[float] = None,
        mip_gap: Optional[float] = None,
    ) -> None:
        """Raises ValidationError for an invalid scenario."""
    def solve(self) -> Plan:
        """Plans the scenario as it stands, warm from the last solve."""
    def set_pool_count(self, pool: str, devices: int) -> None: ...
    def set_pool_max(self, pool: str, max: Optional[int]) -> None: ...
    def set_price(self, pool: str, usd: float) -> None: ...
    def set_rental(self, pool: str, usd_per_hour: float) -> None: ...
    def set_budget(self, kind: str, usd: Optional[float]) -> None:
        """``kind``: ``capex``, ``opex`` or ``total``; ``None`` removes it."""
    def set_deadline(self, phase: str, days: float) -> None: ...
    def set_levy(self, rule: int, levy: float) -> None:
        """The levy (share in [0, 1]) of ``policy.rules[rule]``, a licensing rule."""
    def set_demand(
        self,
        phase: str,
        *,
        tokens: Optional[float] = None,
        flops: Optional[float] = None,
        input: Optional[float] = None,
        output: Optional[float] = None,
    ) -> None:
        """A training phase's ``tokens`` or ``flops``, or an inference phase's
        daily ``input`` and ``output`` tokens."""
    def exclude_pool(self, pool: str) -> None: ...
    def include_pool(self, pool: str) -> None: ...

def load(source: Union[str, "os.PathLike[str]", Mapping[str, Any]]) -> Scenario:
    """Reads a scenario from a path (``str`` ending in ``.toml``/``.json``, or
    an ``os.PathLike``), TOML or JSON text, or a dict. Does not validate.

    Raises:
        FleetplanError: the file cannot be read or parsed (``.kind``).
        ValidationError: a field cannot even be read (``.issues``).
    """

def plan(
    scenario: ScenarioSource,
    *,
    fractional: bool = False,
    time_limit: Optional[float] = None,
    mip_gap: Optional[float] = None,
) -> Plan:
    """Plans a scenario; a ``Scenario`` (or path, text, dict) is validated
    first, a ``ValidatedScenario`` is accepted as it is. The GIL is released
    while solving.

    Raises:
        ValidationError: the scenario is invalid.
        FleetplanError: an option out of range, a missing figure.
    """

def justify(
    scenario: ScenarioSource,
    *,
    all_foreign: bool = False,
    fractional: bool = False,
    time_limit: Optional[float] = None,
    mip_gap: Optional[float] = None,
) -> Justification:
    """Plans the scenario and its domestic-only counterfactual."""

def verify(scenario: ScenarioSource, plan: Union[Plan, Mapping[str, Any], str]) -> Verification:
    """Re-checks a plan (a ``Plan``, its dict or its JSON text) against a
    scenario, independently of the planner."""

def sweep(
    scenario: ScenarioSource,
    path: Optional[str] = None,
    values: Optional[Sequence[float]] = None,
    *,
    set: Optional[str] = None,
    fractional: bool = False,
    time_limit: Optional[float] = None,
    mip_gap: Optional[float] = None,
    parallel: bool = False,
) -> Sweep:
    """Re-plans while one field varies: ``path=`` and ``values=``, or
    ``set="PATH=FROM..TO:STEPS"`` as the CLI's ``--set``."""
