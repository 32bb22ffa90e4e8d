//! Python bindings of fleetplan (issue 18): the `fleetplan._fleetplan`
//! extension module, wrapped by the pure-Python package `fleetplan`
//! (`python/fleetplan/__init__.py`, stubs in `__init__.pyi`).
//!
//! Every result crosses into Python through the library's own serde
//! output, so `Plan.to_json()` is the CLI's `plan --format json` text byte
//! for byte, and every table is a list of records (dicts with the same
//! keys in every row) that `pandas.DataFrame(...)` takes as it is. Solves
//! release the GIL (`Python::allow_threads`).
//!
//! `unsafe_code` is denied rather than forbidden: PyO3's macros expand to
//! `unsafe` blocks behind `#[allow]`s of their own; this file writes none.

#![deny(unsafe_code)]

use fleetplan::ErrorKind;
use fleetplan::plan::Demand;
use fleetplan::plan::{CounterfactualScope, Justification, Plan, PlanOptions, Planner};
use fleetplan::scenario::{BudgetKind, PhaseId, PoolId, Scenario, ValidatedScenario};
use fleetplan::sweep::{SweepOptions, SweepSpec, SweepTable};
use fleetplan::units::{Days, Flops, Fraction, Tokens, Usd, UsdPerHour};
use fleetplan::workload::TokenDemand;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use serde_json::Value;
use std::sync::Arc;

create_exception!(
    _fleetplan,
    FleetplanError,
    PyException,
    "Any failure of fleetplan; `.kind` names it (parse, io, invalid, model, options, internal, ...)."
);
create_exception!(
    _fleetplan,
    ValidationError,
    FleetplanError,
    "The scenario is invalid; `.issues` lists every problem as a dict {code, path, message, fix}."
);

/// A library error as a Python exception: `ValidationError` (with
/// `.issues`) for an invalid scenario, `FleetplanError` (with `.kind`)
/// otherwise.
fn to_py_err(py: Python<'_>, e: &fleetplan::Error) -> PyErr {
    match e.validation() {
        Some(r) if e.kind() == ErrorKind::Invalid => validation_error(py, r),
        _ => {
            let err = FleetplanError::new_err(e.to_string());
            let _ = err
                .value(py)
                .setattr("kind", format!("{:?}", e.kind()).to_lowercase());
            err
        }
    }
}

fn validation_error(py: Python<'_>, r: &fleetplan::scenario::ValidationReport) -> PyErr {
    let err = ValidationError::new_err(format!("invalid scenario\n{r}"));
    let issues = serde_json::to_value(&r.issues)
        .map_err(|e| PyValueError::new_err(e.to_string()))
        .and_then(|v| to_py(py, &v));
    match issues {
        Ok(list) => {
            let value = err.value(py);
            if let Err(e) = value
                .setattr("issues", list)
                .and_then(|()| value.setattr("kind", "invalid"))
            {
                return e;
            }
            err
        }
        Err(e) => e,
    }
}

/// A JSON value as Python objects (dict, list, str, int, float, bool, None).
fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any().unbind()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any().unbind()
            } else {
                n.as_f64()
                    .unwrap_or(f64::NAN)
                    .into_pyobject(py)?
                    .into_any()
                    .unbind()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::Array(a) => {
            let items = a
                .iter()
                .map(|x| to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, to_py(py, x)?)?;
            }
            d.into_any().unbind()
        }
    })
}

/// Any serialisable value as Python objects.
fn ser_to_py<T: serde::Serialize + ?Sized>(py: Python<'_>, t: &T) -> PyResult<Py<PyAny>> {
    let v = serde_json::to_value(t).map_err(|e| FleetplanError::new_err(e.to_string()))?;
    to_py(py, &v)
}

/// Python's `json.loads(text)`: the dict of a JSON text, exactly as a
/// Python program reading the CLI's output would get it.
fn json_loads(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// A scenario as read: not yet validated.
#[pyclass(name = "Scenario", module = "fleetplan", frozen)]
#[derive(Clone)]
struct PyScenario {
    inner: Arc<Scenario>,
}

/// A validated scenario: plannable as it is.
#[pyclass(name = "ValidatedScenario", module = "fleetplan", frozen)]
#[derive(Clone)]
struct PyValidated {
    inner: Arc<ValidatedScenario>,
}

#[pymethods]
impl PyScenario {
    /// Checks every field; returns a `ValidatedScenario` or raises
    /// `ValidationError` whose `.issues` lists every problem at once.
    fn validate(&self, py: Python<'_>) -> PyResult<PyValidated> {
        let s = Arc::clone(&self.inner);
        match py.allow_threads(|| (*s).clone().validate()) {
            Ok(v) => Ok(PyValidated { inner: Arc::new(v) }),
            Err(r) => Err(validation_error(py, &r)),
        }
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The scenario as a dict (its JSON form).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_loads(py, &self.to_json(py)?)
    }

    /// The scenario as JSON text.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.to_json_string().map_err(|e| to_py_err(py, &e))
    }

    /// The scenario as TOML text.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.to_toml_string().map_err(|e| to_py_err(py, &e))
    }

    /// A copy with the number at `path` (e.g. `pools[h100].count`,
    /// `policy.rules[0].levy`) set to `value`.
    fn with_value(&self, py: Python<'_>, path: &str, value: f64) -> PyResult<PyScenario> {
        fleetplan::sweep::with_value(&self.inner, path, value)
            .map(|s| PyScenario { inner: Arc::new(s) })
            .map_err(|e| to_py_err(py, &e))
    }

    fn __repr__(&self) -> String {
        format!(
            "Scenario(name={:?}, pools={}, phases={})",
            self.inner.name,
            self.inner.pools.len(),
            self.inner.phases.len()
        )
    }
}

#[pymethods]
impl PyValidated {
    /// Already validated: returns itself.
    fn validate(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The scenario as written.
    #[getter]
    fn scenario(&self) -> PyScenario {
        PyScenario {
            inner: Arc::new(self.inner.scenario().clone()),
        }
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.scenario().name.clone()
    }

    /// Pool names, in order.
    #[getter]
    fn pools(&self) -> Vec<String> {
        self.inner.pools().map(|p| p.name().to_owned()).collect()
    }

    /// Phase names, in order.
    #[getter]
    fn phases(&self) -> Vec<String> {
        self.inner.phases().map(|p| p.name().to_owned()).collect()
    }

    /// The scenario as a dict (its JSON form).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.scenario().to_dict(py)
    }

    fn __repr__(&self) -> String {
        let s = self.inner.scenario();
        format!(
            "ValidatedScenario(name={:?}, pools={}, phases={})",
            s.name,
            s.pools.len(),
            s.phases.len()
        )
    }
}

/// Reads a scenario from a path (`str` ending in `.toml`/`.json`, or an
/// `os.PathLike`), TOML or JSON text, or a dict (the JSON form).
fn read_scenario(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<Scenario> {
    let err = |e: fleetplan::Error| to_py_err(py, &e);
    if let Ok(d) = source.downcast::<PyDict>() {
        let text: String = py.import("json")?.call_method1("dumps", (d,))?.extract()?;
        return Scenario::from_json_str(&text).map_err(err);
    }
    if let Ok(s) = source.downcast::<PyString>() {
        let s: String = s.extract()?;
        let s = s.as_str();
        let t = s.trim();
        let is_path =
            !t.contains('\n') && (t.ends_with(".toml") || t.ends_with(".json")) && !t.contains('=');
        return if is_path {
            Scenario::load(t).map_err(err)
        } else if t.starts_with('{') {
            Scenario::from_json_str(s).map_err(err)
        } else {
            Scenario::from_toml_str(s).map_err(err)
        };
    }
    if source.hasattr("__fspath__")? {
        let p: std::path::PathBuf = source.extract()?;
        return Scenario::load(p).map_err(err);
    }
    Err(PyValueError::new_err(format!(
        "cannot read a scenario from a {}: give a path, TOML or JSON text, or a dict",
        source.get_type().name()?
    )))
}

/// Reads a scenario (see the stubs); does not validate it.
#[pyfunction]
fn load(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<PyScenario> {
    read_scenario(py, source).map(|s| PyScenario { inner: Arc::new(s) })
}

/// A `ValidatedScenario` from any scenario argument: a validated one as it
/// is, a `Scenario` validated now, anything `load` takes read and validated.
fn validated(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Arc<ValidatedScenario>> {
    if let Ok(v) = obj.downcast::<PyValidated>() {
        return Ok(Arc::clone(&v.get().inner));
    }
    let s = if let Ok(s) = obj.downcast::<PyScenario>() {
        (*s.get().inner).clone()
    } else {
        read_scenario(py, obj)?
    };
    match py.allow_threads(|| s.validate()) {
        Ok(v) => Ok(Arc::new(v)),
        Err(r) => Err(validation_error(py, &r)),
    }
}

/// A scenario as written (for sweeps, which validate each point).
fn unvalidated(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Scenario> {
    if let Ok(v) = obj.downcast::<PyValidated>() {
        return Ok(v.get().inner.scenario().clone());
    }
    if let Ok(s) = obj.downcast::<PyScenario>() {
        return Ok((*s.get().inner).clone());
    }
    read_scenario(py, obj)
}

/// Planning options from keyword arguments.
fn options(
    py: Python<'_>,
    fractional: bool,
    time_limit: Option<f64>,
    mip_gap: Option<f64>,
) -> PyResult<PlanOptions> {
    let mut o = PlanOptions::default().with_fractional(fractional);
    if let Some(t) = time_limit {
        let d = fleetplan::solver::time_limit_from_secs(t).map_err(|e| to_py_err(py, &e))?;
        o = o.with_time_limit(d);
    }
    if let Some(g) = mip_gap {
        o = o.with_mip_gap(g);
    }
    Ok(o)
}

/// A plan: attributes, tables as lists of records, `to_dict()`.
#[pyclass(name = "Plan", module = "fleetplan", frozen)]
struct PyPlan {
    inner: Plan,
}

#[pymethods]
impl PyPlan {
    /// `optimal`, `feasible`, `infeasible`, `unbounded` or `limit`.
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }
    /// The objective's value (USD for least cost), or None.
    #[getter]
    fn objective(&self) -> Option<f64> {
        self.inner.objective
    }
    /// The objective's kind: `min_cost`, `min_makespan`, ...
    #[getter]
    fn objective_kind(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.objective_kind)
    }
    /// Relative optimality gap (0 when proven).
    #[getter]
    fn gap(&self) -> f64 {
        self.inner.gap
    }
    /// Whether devices were planned in whole units.
    #[getter]
    fn whole_devices(&self) -> bool {
        self.inner.whole_devices
    }
    /// Whether the independent verifier passed.
    #[getter]
    fn verified(&self) -> bool {
        self.inner.verified
    }
    /// The scenario's name.
    #[getter]
    fn scenario(&self) -> String {
        self.inner.scenario.clone()
    }
    /// Cost by component (dict of USD).
    #[getter]
    fn cost(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.cost)
    }
    /// Devices per (phase, pool): list of records.
    #[getter]
    fn assignments(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.assignments)
    }
    /// Purchases: list of records.
    #[getter]
    fn purchases(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.purchases)
    }
    /// The schedule (phase, pool, from_hours, to_hours, devices): list of records.
    #[getter]
    fn schedule(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.schedule)
    }
    /// Binding constraints with shadow prices: list of records.
    #[getter]
    fn binding(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.binding)
    }
    /// Phase outcomes: list of records.
    #[getter]
    fn phases(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.phases)
    }
    /// Pool use: list of records.
    #[getter]
    fn pools(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.pools)
    }
    /// Why no plan exists (dict), when infeasible; else None.
    #[getter]
    fn infeasibility(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.infeasibility)
    }
    /// The verification report: {checks, warnings}.
    #[getter]
    fn verification(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.verification)
    }
    /// The plan as JSON text: the CLI's `plan --format json` output.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.to_json().map_err(|e| to_py_err(py, &e))
    }
    /// The plan as a dict: `json.loads(self.to_json())`.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_loads(py, &self.to_json(py)?)
    }
    /// The plain-text report (the CLI's `--format table`).
    fn to_table(&self) -> String {
        self.inner.to_table()
    }
    /// The Markdown report.
    fn to_markdown(&self) -> String {
        self.inner.to_markdown()
    }
    fn __repr__(&self) -> String {
        format!(
            "Plan(scenario={:?}, status={:?}, objective={:?}, verified={})",
            self.inner.scenario,
            self.inner.status.as_str(),
            self.inner.objective,
            self.inner.verified
        )
    }
}

/// Plans a scenario (validating it unless it is a `ValidatedScenario`).
#[pyfunction]
#[pyo3(signature = (scenario, *, fractional=false, time_limit=None, mip_gap=None))]
fn plan(
    py: Python<'_>,
    scenario: &Bound<'_, PyAny>,
    fractional: bool,
    time_limit: Option<f64>,
    mip_gap: Option<f64>,
) -> PyResult<PyPlan> {
    let vs = validated(py, scenario)?;
    let o = options(py, fractional, time_limit, mip_gap)?;
    py.allow_threads(|| fleetplan::plan::plan(&vs, &o))
        .map(|p| PyPlan { inner: p })
        .map_err(|e| to_py_err(py, &e))
}

/// The result of `verify`.
#[pyclass(name = "Verification", module = "fleetplan", frozen)]
struct PyVerification {
    inner: fleetplan::plan::VerifyReport,
}

#[pymethods]
impl PyVerification {
    /// Whether every check holds (warnings do not fail a plan).
    #[getter]
    fn verified(&self) -> bool {
        self.inner.is_ok()
    }
    /// Every check: list of records {name, ok, detail}.
    #[getter]
    fn checks(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.checks)
    }
    /// Warnings: list of records.
    #[getter]
    fn warnings(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.warnings)
    }
    /// The checks that failed: list of records.
    #[getter]
    fn failures(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let f: Vec<_> = self.inner.failures().collect();
        ser_to_py(py, &f)
    }
    /// {verified, checks, warnings}: the CLI's `verify --format json`.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let v = serde_json::json!({
            "verified": self.inner.is_ok(),
            "checks": self.inner.checks,
            "warnings": self.inner.warnings,
        });
        to_py(py, &v)
    }
    fn __bool__(&self) -> bool {
        self.inner.is_ok()
    }
    fn __repr__(&self) -> String {
        format!(
            "Verification(verified={}, checks={}, failures={})",
            self.inner.is_ok(),
            self.inner.checks.len(),
            self.inner.failures().count()
        )
    }
}

/// Re-checks a plan (a `Plan`, its dict or its JSON text) against a
/// scenario, independently of the planner.
#[pyfunction]
fn verify(
    py: Python<'_>,
    scenario: &Bound<'_, PyAny>,
    plan: &Bound<'_, PyAny>,
) -> PyResult<PyVerification> {
    let vs = validated(py, scenario)?;
    let p: Plan = if let Ok(p) = plan.downcast::<PyPlan>() {
        p.get().inner.clone()
    } else {
        let text: String = if plan.downcast::<PyDict>().is_ok() {
            py.import("json")?
                .call_method1("dumps", (plan,))?
                .extract()?
        } else {
            plan.extract()?
        };
        serde_json::from_str(&text).map_err(|e| {
            PyValueError::new_err(format!(
                "not a plan (the JSON `fleetplan plan --format json` prints): {e}"
            ))
        })?
    };
    let r = py.allow_threads(|| fleetplan::plan::verify(&vs, &p));
    Ok(PyVerification { inner: r })
}

/// The justification memo: the plan and its domestic-only counterfactual.
#[pyclass(name = "Justification", module = "fleetplan", frozen)]
struct PyJustification {
    inner: Justification,
}

#[pymethods]
impl PyJustification {
    /// Whether the policy requires a justification for this plan.
    #[getter]
    fn required(&self) -> bool {
        self.inner.required
    }
    /// The memo, for people.
    #[getter]
    fn memo(&self) -> String {
        self.inner.memo.clone()
    }
    /// The plan.
    #[getter]
    fn plan(&self) -> PyPlan {
        PyPlan {
            inner: self.inner.plan.clone(),
        }
    }
    /// Foreign pools the plan uses.
    #[getter]
    fn foreign_pools_used(&self) -> Vec<String> {
        self.inner.foreign_pools_used.clone()
    }
    /// The counterfactual compared with the plan (dict).
    #[getter]
    fn counterfactual(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.counterfactual)
    }
    /// The whole memo as JSON text: the CLI's `justify --format json`.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.inner)
            .map_err(|e| FleetplanError::new_err(e.to_string()))
    }
    /// The whole memo as a dict.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_loads(py, &self.to_json()?)
    }
}

/// Plans the scenario and its domestic-only counterfactual.
#[pyfunction]
#[pyo3(signature = (scenario, *, all_foreign=false, fractional=false, time_limit=None, mip_gap=None))]
fn justify(
    py: Python<'_>,
    scenario: &Bound<'_, PyAny>,
    all_foreign: bool,
    fractional: bool,
    time_limit: Option<f64>,
    mip_gap: Option<f64>,
) -> PyResult<PyJustification> {
    let vs = validated(py, scenario)?;
    let o = options(py, fractional, time_limit, mip_gap)?;
    let scope = if all_foreign {
        CounterfactualScope::AllForeign
    } else {
        CounterfactualScope::NewForeign
    };
    py.allow_threads(|| fleetplan::plan::justify_with(&vs, &o, scope))
        .map(|j| PyJustification { inner: j })
        .map_err(|e| to_py_err(py, &e))
}

/// A sweep's table.
#[pyclass(name = "Sweep", module = "fleetplan", frozen)]
struct PySweep {
    inner: SweepTable,
}

#[pymethods]
impl PySweep {
    /// The field swept.
    #[getter]
    fn path(&self) -> String {
        self.inner.path.clone()
    }
    /// The values, in order.
    #[getter]
    fn values(&self) -> Vec<f64> {
        self.inner.points.iter().map(|p| p.value).collect()
    }
    /// One record per value: value, status, objective, total_usd,
    /// levy_usd, purchases, binding, issues, verified, iterations.
    #[getter]
    fn points(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        ser_to_py(py, &self.inner.points)
    }
    /// The table as JSON text: the CLI's `sweep --format json`.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.inner)
            .map_err(|e| FleetplanError::new_err(e.to_string()))
    }
    /// The table as a dict {path, points}.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_loads(py, &self.to_json()?)
    }
    fn __len__(&self) -> usize {
        self.inner.points.len()
    }
}

/// Re-plans while one numeric field varies (warm-started).
#[pyfunction]
#[pyo3(signature = (scenario, path=None, values=None, *, set=None, fractional=false, time_limit=None, mip_gap=None, parallel=false))]
#[allow(clippy::too_many_arguments)]
fn sweep(
    py: Python<'_>,
    scenario: &Bound<'_, PyAny>,
    path: Option<String>,
    values: Option<Vec<f64>>,
    set: Option<String>,
    fractional: bool,
    time_limit: Option<f64>,
    mip_gap: Option<f64>,
    parallel: bool,
) -> PyResult<PySweep> {
    let spec = match (set, path, values) {
        (Some(s), None, None) => s.parse::<SweepSpec>().map_err(|e| to_py_err(py, &e))?,
        (None, Some(path), Some(values)) => SweepSpec { path, values },
        _ => {
            return Err(PyValueError::new_err(
                "give either path= and values=, or set='PATH=FROM..TO:STEPS'",
            ));
        }
    };
    let s = unvalidated(py, scenario)?;
    let o = SweepOptions::default()
        .with_plan(options(py, fractional, time_limit, mip_gap)?)
        .with_parallel(parallel);
    py.allow_threads(|| fleetplan::sweep::sweep(&s, &spec, &o, &|_, _| {}))
        .map(|t| PySweep { inner: t })
        .map_err(|e| to_py_err(py, &e))
}

/// A planning session: typed setters and warm re-solves.
#[pyclass(name = "Planner", module = "fleetplan")]
struct PyPlanner {
    inner: Planner,
}

impl PyPlanner {
    fn pool(&self, name: &str) -> PyResult<PoolId> {
        self.inner.scenario().pool_by_name(name).ok_or_else(|| {
            let names: Vec<&str> = self.inner.scenario().pools().map(|p| p.name()).collect();
            PyKeyError::new_err(format!("no pool '{name}'; pools: {}", names.join(", ")))
        })
    }
    fn phase(&self, name: &str) -> PyResult<PhaseId> {
        self.inner.scenario().phase_by_name(name).ok_or_else(|| {
            let names: Vec<&str> = self.inner.scenario().phases().map(|p| p.name()).collect();
            PyKeyError::new_err(format!("no phase '{name}'; phases: {}", names.join(", ")))
        })
    }
}

fn unit<T>(r: Result<T, fleetplan::units::UnitError>, what: &str) -> PyResult<T> {
    r.map_err(|e| PyValueError::new_err(format!("{what}: {e}")))
}

#[pymethods]
impl PyPlanner {
    /// A session on a scenario (validated unless it already is).
    #[new]
    #[pyo3(signature = (scenario, *, fractional=false, time_limit=None, mip_gap=None))]
    fn new(
        py: Python<'_>,
        scenario: &Bound<'_, PyAny>,
        fractional: bool,
        time_limit: Option<f64>,
        mip_gap: Option<f64>,
    ) -> PyResult<Self> {
        let vs = validated(py, scenario)?;
        let o = options(py, fractional, time_limit, mip_gap)?;
        Planner::new(&vs, o)
            .map(|p| PyPlanner { inner: p })
            .map_err(|e| to_py_err(py, &e))
    }
    /// Plans the session's scenario as it stands (warm from the last solve).
    fn solve(&mut self, py: Python<'_>) -> PyResult<PyPlan> {
        let inner = &mut self.inner;
        py.allow_threads(|| inner.solve())
            .map(|p| PyPlan { inner: p })
            .map_err(|e| to_py_err(py, &e))
    }
    /// Sets a pool's device count.
    fn set_pool_count(&mut self, py: Python<'_>, pool: &str, devices: u64) -> PyResult<()> {
        let id = self.pool(pool)?;
        self.inner
            .set_pool_count(id, devices)
            .map_err(|e| to_py_err(py, &e))
    }
    /// Sets a buyable or rentable pool's upper limit (None: no limit).
    #[pyo3(signature = (pool, max))]
    fn set_pool_max(&mut self, py: Python<'_>, pool: &str, max: Option<u64>) -> PyResult<()> {
        let id = self.pool(pool)?;
        self.inner
            .set_pool_max(id, max.map(Into::into))
            .map_err(|e| to_py_err(py, &e))
    }
    /// Sets a buyable pool's unit price, USD.
    fn set_price(&mut self, py: Python<'_>, pool: &str, usd: f64) -> PyResult<()> {
        let id = self.pool(pool)?;
        let p = unit(Usd::new(usd), "usd")?;
        self.inner.set_price(id, p).map_err(|e| to_py_err(py, &e))
    }
    /// Sets a rentable pool's price, USD per device-hour.
    fn set_rental(&mut self, py: Python<'_>, pool: &str, usd_per_hour: f64) -> PyResult<()> {
        let id = self.pool(pool)?;
        let p = unit(UsdPerHour::new(usd_per_hour), "usd_per_hour")?;
        self.inner.set_rental(id, p).map_err(|e| to_py_err(py, &e))
    }
    /// Sets a budget (`capex`, `opex` or `total`; None removes it), USD.
    #[pyo3(signature = (kind, usd))]
    fn set_budget(&mut self, py: Python<'_>, kind: &str, usd: Option<f64>) -> PyResult<()> {
        let k = match kind {
            "capex" => BudgetKind::Capex,
            "opex" => BudgetKind::Opex,
            "total" => BudgetKind::Total,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "budget kind '{kind}': expected capex, opex or total"
                )));
            }
        };
        let cap = usd.map(|u| unit(Usd::new(u), "usd")).transpose()?;
        self.inner.set_budget(k, cap).map_err(|e| to_py_err(py, &e))
    }
    /// Sets a phase's deadline, days from the start.
    fn set_deadline(&mut self, py: Python<'_>, phase: &str, days: f64) -> PyResult<()> {
        let id = self.phase(phase)?;
        let d = unit(Days::new(days), "days")?;
        self.inner
            .set_deadline(id, d)
            .map_err(|e| to_py_err(py, &e))
    }
    /// Sets the levy (a share in [0, 1]) of the licensing export rule at
    /// index `rule` of `policy.rules`.
    fn set_levy(&mut self, py: Python<'_>, rule: usize, levy: f64) -> PyResult<()> {
        let rules = self.inner.scenario().rules();
        let id = rules.get(rule).map(|r| r.id).ok_or_else(|| {
            PyKeyError::new_err(format!(
                "no rule {rule}; policy.rules has {} entries",
                rules.len()
            ))
        })?;
        let f = unit(Fraction::new(levy), "levy")?;
        self.inner.set_levy(id, f).map_err(|e| to_py_err(py, &e))
    }
    /// Sets a phase's demand: a training phase's `tokens` or `flops`, or an
    /// inference phase's daily `input` and `output` tokens (give one form).
    #[pyo3(signature = (phase, *, tokens=None, flops=None, input=None, output=None))]
    fn set_demand(
        &mut self,
        py: Python<'_>,
        phase: &str,
        tokens: Option<f64>,
        flops: Option<f64>,
        input: Option<f64>,
        output: Option<f64>,
    ) -> PyResult<()> {
        let id = self.phase(phase)?;
        let d = match (tokens, flops, input, output) {
            (Some(t), None, None, None) => Demand::Tokens(unit(Tokens::new(t), "tokens")?),
            (None, Some(f), None, None) => Demand::Flops(unit(Flops::new(f), "flops")?),
            (None, None, Some(i), Some(o)) => Demand::Daily(TokenDemand::new(
                unit(Tokens::new(i), "input")?,
                unit(Tokens::new(o), "output")?,
            )),
            _ => {
                return Err(PyValueError::new_err(
                    "give tokens=, flops=, or input= and output= (one form)",
                ));
            }
        };
        self.inner.set_demand(id, d).map_err(|e| to_py_err(py, &e))
    }
    /// Takes a pool out of the plan.
    fn exclude_pool(&mut self, py: Python<'_>, pool: &str) -> PyResult<()> {
        let id = self.pool(pool)?;
        self.inner.exclude_pool(id).map_err(|e| to_py_err(py, &e))
    }
    /// Puts an excluded pool back.
    fn include_pool(&mut self, py: Python<'_>, pool: &str) -> PyResult<()> {
        let id = self.pool(pool)?;
        self.inner.include_pool(id).map_err(|e| to_py_err(py, &e))
    }
}

/// The extension module.
#[pymodule]
fn _fleetplan(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("FleetplanError", py.get_type::<FleetplanError>())?;
    m.add("ValidationError", py.get_type::<ValidationError>())?;
    m.add_class::<PyScenario>()?;
    m.add_class::<PyValidated>()?;
    m.add_class::<PyPlan>()?;
    m.add_class::<PyVerification>()?;
    m.add_class::<PyJustification>()?;
    m.add_class::<PySweep>()?;
    m.add_class::<PyPlanner>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(justify, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    Ok(())
}
