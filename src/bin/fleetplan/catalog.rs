//! `fleetplan catalog`: the built-in accelerator catalogue with the source
//! and confidence of every figure.

use clap::ValueEnum;
use fleetplan::catalog::Catalog;
use std::process::ExitCode;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable tables, with sources listed below.
    Table,
    /// The full structure as JSON.
    Json,
}

/// Lists the built-in accelerators with every figure, its source and its
/// confidence.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let cat = Catalog::builtin();
    let out = match args.format {
        Format::Json => match serde_json::to_string_pretty(&cat) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("fleetplan: cannot write the catalogue as JSON: {e}");
                return ExitCode::from(2);
            }
        },
        Format::Table => cat.to_table(),
    };
    emit(&out)
}

/// Writes `text` and a newline to stdout; a closed pipe (`| head`) is not
/// an error.
pub(crate) fn emit(text: &str) -> ExitCode {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fleetplan: cannot write to stdout: {e}");
            ExitCode::from(2)
        }
    }
}
