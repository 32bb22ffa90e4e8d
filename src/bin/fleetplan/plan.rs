//! `fleetplan plan | export | justify | explain`: the planner's commands.

use crate::catalog::emit;
use clap::ValueEnum;
use fleetplan::ErrorKind;
use fleetplan::perf::{PairReport, PerfModel};
use fleetplan::plan::{
    CompileOptions, CounterfactualScope, PlanOptions, PlanStatus, compile, justify_with, plan,
};
use fleetplan::scenario::{Scenario, ValidatedScenario};

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Output format of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A plain-text report.
    Table,
    /// A Markdown report.
    Markdown,
    /// JSON (the keys are a contract: see `fleetplan plan --help`).
    Json,
}

/// Output format of `justify` and `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// Options every planning command shares.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// The scenario file (`.toml` or `.json`).
    file: PathBuf,
    /// Plan fractional devices (an LP) instead of whole devices.
    #[arg(long)]
    fractional: bool,
    /// Wall-clock budget of the whole command, seconds, in (0, 1e6]: every
    /// solve (stages, probes, the explanation, the counterfactual) shares
    /// it, and at the limit the best plan found is reported (status
    /// `feasible` with its gap, or `limit`). Precedence: this flag, else
    /// the scenario's `settings.time_limit_s`, else 60 s.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    time_limit: Option<f64>,
}

impl Common {
    /// The scenario file.
    pub(crate) fn file(&self) -> &Path {
        &self.file
    }
}

/// Plans a scenario: what runs where, what to buy, the cost, what binds.
///
/// JSON keys: status, objective, gap, cost {capex_usd, rental_usd,
/// energy_usd, levy_usd, total_usd}, assignments [{phase, pool,
/// accelerator, devices, device_hours}], purchases [{pool, devices,
/// cost_usd}], phases [{name, kind, finishes_at_hours, demand_met}],
/// binding [{constraint, shadow_price, unit}], verified (and more).
/// Exit status: 0 a plan was found, 3 infeasible or no plan within the
/// limits, 1 the scenario is invalid, 2 it cannot be read.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Also write the charts into this folder (created if missing):
    /// `schedule.svg` (a Gantt of pools × time coloured by phase) and
    /// `cost.svg` (the cost as a waterfall).
    #[arg(long, value_name = "DIR")]
    svg: Option<PathBuf>,
}

/// Writes the compiled model of a scenario (every row and column named for
/// its business meaning) as MPS, for any solver, and optionally as LP.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    common: Common,
    /// Where to write the MPS file.
    #[arg(long)]
    mps: Option<PathBuf>,
    /// Where to write the LP-format file (for people).
    #[arg(long)]
    lp: Option<PathBuf>,
}

/// Plans the scenario and its domestic-only counterfactual, and writes the
/// justification memo. Exit status as for `plan`.
#[derive(Debug, clap::Args)]
pub struct JustifyArgs {
    #[command(flatten)]
    common: Common,
    /// Counterfactual without any foreign device, owned ones included
    /// (default: without new foreign purchases and rentals, owned foreign
    /// devices kept, as a justification rule asks).
    #[arg(long)]
    all_foreign: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

/// Shows every factor of one (phase, pool) pair's rate, with its origin and
/// source.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The scenario file.
    file: PathBuf,
    /// Phase name.
    #[arg(long)]
    phase: String,
    /// Pool name.
    #[arg(long)]
    pool: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

/// Loads and validates, printing problems; `Err(code)` to exit with.
pub(crate) fn load(file: &Path) -> Result<ValidatedScenario, ExitCode> {
    let s = match Scenario::load(file) {
        Ok(s) => s,
        Err(e) if e.kind() == ErrorKind::Invalid => {
            eprintln!("fleetplan: {}: {e}", file.display());
            return Err(ExitCode::from(1));
        }
        Err(e) => {
            eprintln!("fleetplan: {}: {e}", file.display());
            return Err(ExitCode::from(2));
        }
    };
    s.validate().map_err(|r| {
        eprintln!("fleetplan: {}: invalid scenario\n{r}", file.display());
        ExitCode::from(1)
    })
}

/// The `--time-limit` flag as a duration (`None` when absent); a value
/// outside (0, 1e6] s is a usage error (exit status 2).
pub(crate) fn time_limit_flag(secs: Option<f64>) -> Result<Option<Duration>, ExitCode> {
    secs.map(|t| {
        fleetplan::solver::time_limit_from_secs(t).map_err(|e| {
            eprintln!("fleetplan: --time-limit: {e}");
            ExitCode::from(2)
        })
    })
    .transpose()
}

pub(crate) fn options(c: &Common) -> Result<PlanOptions, ExitCode> {
    let mut o = PlanOptions::default().with_fractional(c.fractional);
    if let Some(t) = time_limit_flag(c.time_limit)? {
        o = o.with_time_limit(t);
    }
    Ok(o)
}

pub(crate) fn status_code(s: PlanStatus) -> ExitCode {
    match s {
        PlanStatus::Optimal | PlanStatus::Feasible => ExitCode::SUCCESS,
        _ => ExitCode::from(3),
    }
}

fn finish(text: &str, code: ExitCode) -> ExitCode {
    let written = emit(text);
    if written == ExitCode::SUCCESS {
        code
    } else {
        written
    }
}

/// `fleetplan plan`.
pub fn run_plan(a: PlanArgs) -> ExitCode {
    let vs = match load(&a.common.file) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let opts = match options(&a.common) {
        Ok(o) => o,
        Err(c) => return c,
    };
    if !vs.scenario().risks.is_empty() {
        if a.svg.is_some() {
            eprintln!("fleetplan: --svg: charts of plans under risk are not drawn yet");
            return ExitCode::from(2);
        }
        return run_risk(&vs, &opts, a.format);
    }
    let p = match plan(&vs, &opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fleetplan: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(dir) = &a.svg
        && let Err(c) = write_charts(dir, &p)
    {
        return c;
    }
    let text = match a.format {
        Format::Table => p.to_table(),
        Format::Markdown => p.to_markdown(),
        Format::Json => match p.to_json() {
            Ok(j) => j,
            Err(e) => {
                eprintln!("fleetplan: {e}");
                return ExitCode::from(1);
            }
        },
    };
    finish(&text, status_code(p.status))
}

/// Writes `schedule.svg` and `cost.svg` of `p` into `dir`.
fn write_charts(dir: &Path, p: &fleetplan::plan::Plan) -> Result<(), ExitCode> {
    use fleetplan::plan::charts;
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("fleetplan: {}: {e}", dir.display());
        return Err(ExitCode::from(2));
    }
    for (name, svg) in [
        ("schedule.svg", charts::gantt_svg(p)),
        ("cost.svg", charts::cost_waterfall_svg(p)),
    ] {
        match svg {
            Ok(s) => crate::report::write_file(&dir.join(name), &s)?,
            Err(e) => {
                eprintln!("fleetplan: {e}");
                return Err(ExitCode::from(1));
            }
        }
    }
    Ok(())
}

/// `fleetplan plan` on a scenario with `[[risks]]`: the plan under risk
/// (table: here-and-now decisions, expected and P90 cost, P90 finish, VSS,
/// EVPI, each joint scenario; JSON: the first branch's plan with a `risk`
/// section).
fn run_risk(
    vs: &fleetplan::scenario::ValidatedScenario,
    opts: &fleetplan::plan::PlanOptions,
    format: Format,
) -> ExitCode {
    let rp = match fleetplan::risk::plan_risk(vs, opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fleetplan: {e}");
            return ExitCode::from(1);
        }
    };
    let text = match format {
        Format::Table | Format::Markdown => rp.to_table(),
        Format::Json => match rp.to_json() {
            Ok(j) => j,
            Err(e) => {
                eprintln!("fleetplan: {e}");
                return ExitCode::from(1);
            }
        },
    };
    finish(&text, status_code(rp.summary.status))
}

/// `fleetplan export`.
pub fn run_export(a: ExportArgs) -> ExitCode {
    if a.mps.is_none() && a.lp.is_none() {
        eprintln!("fleetplan: give --mps OUT and/or --lp OUT");
        return ExitCode::from(2);
    }
    let vs = match load(&a.common.file) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let perf = PerfModel::new(&vs);
    let copts = CompileOptions {
        fractional: a.common.fractional || vs.scenario().settings.whole_devices == Some(false),
        ..CompileOptions::default()
    };
    let c = match compile(&vs, &perf, &copts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fleetplan: {e}");
            return ExitCode::from(1);
        }
    };
    let write = |path: &Path, mps: bool| -> Result<(), String> {
        let f = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut w = std::io::BufWriter::new(f);
        let r = if mps {
            fleetplan::model::mps::write_mps(
                c.model(),
                &mut w,
                fleetplan::model::mps::MpsFormat::Free,
            )
        } else {
            fleetplan::model::lp_format::write_lp(c.model(), &mut w)
        };
        r.map_err(|e| format!("{}: {e}", path.display()))?;
        std::io::Write::flush(&mut w).map_err(|e| format!("{}: {e}", path.display()))
    };
    for (p, mps) in [(&a.mps, true), (&a.lp, false)] {
        if let Some(p) = p
            && let Err(e) = write(p, mps)
        {
            eprintln!("fleetplan: {e}");
            return ExitCode::from(2);
        }
    }
    eprintln!(
        "wrote the compiled model: {} rows, {} columns ({} integer)",
        c.model().num_rows(),
        c.model().num_cols(),
        c.model()
            .var_types()
            .iter()
            .filter(|t| **t == fleetplan::model::VarType::Integer)
            .count()
    );
    ExitCode::SUCCESS
}

/// What `--all-foreign` asks the counterfactual to remove.
pub(crate) fn scope(all_foreign: bool) -> CounterfactualScope {
    if all_foreign {
        CounterfactualScope::AllForeign
    } else {
        CounterfactualScope::NewForeign
    }
}

/// `fleetplan justify`.
pub fn run_justify(a: JustifyArgs) -> ExitCode {
    let vs = match load(&a.common.file) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let opts = match options(&a.common) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let j = match justify_with(&vs, &opts, scope(a.all_foreign)) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("fleetplan: {e}");
            return ExitCode::from(1);
        }
    };
    let text = match a.format {
        TextOrJson::Text => j.memo.clone(),
        TextOrJson::Json => match serde_json::to_string_pretty(&j) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("fleetplan: {e}");
                return ExitCode::from(1);
            }
        },
    };
    finish(&text, status_code(j.plan.status))
}

/// `fleetplan explain`.
pub fn run_explain(a: ExplainArgs) -> ExitCode {
    let vs = match load(&a.file) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let Some(phase) = vs.phase_by_name(&a.phase) else {
        let names: Vec<&str> = vs.phases().map(|p| p.name()).collect();
        eprintln!(
            "fleetplan: no phase '{}'; phases: {}",
            a.phase,
            names.join(", ")
        );
        return ExitCode::from(2);
    };
    let Some(pool) = vs.pool_by_name(&a.pool) else {
        let names: Vec<&str> = vs.pools().map(|p| p.name()).collect();
        eprintln!(
            "fleetplan: no pool '{}'; pools: {}",
            a.pool,
            names.join(", ")
        );
        return ExitCode::from(2);
    };
    let r = PairReport::new(&vs, phase, pool);
    let text = match a.format {
        TextOrJson::Json => r.to_json_value().to_string(),
        TextOrJson::Text => r.to_text(),
    };
    emit(&text)
}
