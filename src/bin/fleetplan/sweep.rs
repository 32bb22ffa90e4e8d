//! `fleetplan sweep FILE --set PATH=FROM..TO:STEPS`: re-plans while one
//! field varies.

use crate::catalog::emit;
use crate::plan::TextOrJson;
use fleetplan::ErrorKind;
use fleetplan::plan::PlanOptions;
use fleetplan::scenario::Scenario;
use fleetplan::sweep::{SweepOptions, SweepSpec, sweep};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Re-plans a scenario for every value of one numeric field, warm-starting
/// each solve from the previous one, and prints a table of objective, key
/// decisions and binding constraints per point. Paths select list elements
/// by index or name: `policy.rules[3].levy`,
/// `pools[h20-buy].ownership.unit_price_usd`. A progress bar goes to stderr.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file.
    file: PathBuf,
    /// The field and its values: `PATH=FROM..TO:STEPS` or `PATH=a,b,c`.
    #[arg(long = "set")]
    set: String,
    /// Plan fractional devices (LPs; warm-started).
    #[arg(long)]
    fractional: bool,
    /// Solve chunks of points in parallel (needs the `rayon` feature).
    #[arg(long)]
    parallel: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Wall-clock budget of the whole sweep, seconds, in (0, 1e6]; points
    /// not reached in time are rows with status `limit`. Precedence: this
    /// flag, else the scenario's `settings.time_limit_s`, else 60 s.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    time_limit: Option<f64>,
    /// Also write the sweep as an SVG line chart of total cost, the
    /// break-even (where the purchase decision changes) marked.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
}

/// Runs the command.
pub fn run(a: Args) -> ExitCode {
    let spec: SweepSpec = match a.set.parse() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fleetplan: --set: {e}");
            return ExitCode::from(2);
        }
    };
    let s = match Scenario::load(&a.file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fleetplan: {}: {e}", a.file.display());
            return ExitCode::from(if e.kind() == ErrorKind::Invalid { 1 } else { 2 });
        }
    };
    let mut plan_opts = PlanOptions::default().with_fractional(a.fractional);
    match crate::plan::time_limit_flag(a.time_limit) {
        Ok(Some(t)) => plan_opts = plan_opts.with_time_limit(t),
        Ok(None) => {}
        Err(c) => return c,
    }
    let opts = SweepOptions::default()
        .with_plan(plan_opts)
        .with_parallel(a.parallel);
    let quiet = a.quiet;
    let progress = move |done: usize, total: usize| {
        if quiet {
            return;
        }
        let width = 40;
        let filled = done * width / total.max(1);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {done}/{total}",
            "#".repeat(filled),
            " ".repeat(width - filled)
        );
        if done == total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    };
    let table = match sweep(&s, &spec, &opts, &progress) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("fleetplan: {e}");
            return ExitCode::from(if e.kind() == ErrorKind::Parse { 2 } else { 1 });
        }
    };
    if let Some(path) = &a.svg {
        match fleetplan::plan::charts::sweep_svg(&table) {
            Ok(svg) => {
                if let Err(c) = crate::report::write_file(path, &svg) {
                    return c;
                }
            }
            Err(e) => {
                eprintln!("fleetplan: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let text = match a.format {
        TextOrJson::Json => match table.to_json() {
            Ok(t) => t,
            Err(e) => {
                eprintln!("fleetplan: {e}");
                return ExitCode::from(1);
            }
        },
        TextOrJson::Text => table.to_table(),
    };
    emit(&text)
}
