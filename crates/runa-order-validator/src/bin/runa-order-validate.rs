//! `runa-order-validate`: checks JSON payload files against a schema of the Runa order API, for CI pipelines.

use std::{
    fmt::Write as _,
    io::{self, Read, Write},
    process::ExitCode,
};

use clap::{Parser, ValueEnum};
use runa_order_validator::{Kind, Options, ValidationError};

/// Check JSON payload files against the Runa order API contract.
///
/// Exit status: 0 when every file is valid, 1 when some file is invalid, 2 on a usage error,
/// an unreadable file or an unknown type.
#[derive(Debug, Parser)]
#[command(name = "runa-order-validate", version)]
struct Cli {
    /// The schema every file must match, such as NewOrderDetails (see --list-types).
    #[arg(
        short = 't',
        long = "type",
        value_name = "TYPE",
        required_unless_present = "list_types"
    )]
    kind: Option<String>,

    /// Files to check; `-` reads standard input.
    #[arg(value_name = "FILE", required_unless_present = "list_types")]
    files: Vec<String>,

    /// How to print errors.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Print values in messages, including personal data such as e-mail addresses.
    #[arg(long)]
    show_values: bool,

    /// Print the names of the schemas and exit.
    #[arg(long)]
    list_types: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `FILE:LINE:COL: /pointer: message`
    Text,
    /// One JSON object per error and line.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = io::stdout().lock();
    if cli.list_types {
        for kind in Kind::ALL {
            let _ = writeln!(out, "{}", kind.name());
        }
        return ExitCode::SUCCESS;
    }
    let name = cli.kind.as_deref().unwrap_or_default();
    let Some(kind) = Kind::from_name(name) else {
        let names: Vec<&str> = Kind::ALL.iter().map(|it| it.name()).collect();
        let hint = names
            .iter()
            .find(|it| it.eq_ignore_ascii_case(name))
            .map(|it| format!(" (did you mean `{it}`?)"))
            .unwrap_or_default();
        eprintln!(
            "error: unknown type `{name}`{hint}; `runa-order-validate --list-types` prints the known types"
        );
        return ExitCode::from(2);
    };
    let options = Options {
        show_values: cli.show_values,
    };

    let (mut invalid, mut unreadable, mut errors) = (0usize, 0usize, 0usize);
    for file in &cli.files {
        let bytes = match read(file) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("error: {file}: cannot read the file: {err}");
                unreadable += 1;
                continue;
            }
        };
        if let Err(found) = kind.validate_slice_with(&bytes, &options) {
            invalid += 1;
            errors += found.len();
            let mut text = String::new();
            for error in &found {
                report(&mut text, cli.format, file, error);
            }
            let _ = out.write_all(text.as_bytes());
        }
    }
    let _ = out.flush();
    let checked = cli.files.len() - unreadable;
    if invalid > 0 || unreadable > 0 {
        eprintln!(
            "{invalid} of {checked} checked file{} invalid as {} ({errors} error{}){}",
            if checked == 1 { "" } else { "s" },
            kind.name(),
            if errors == 1 { "" } else { "s" },
            if unreadable > 0 {
                format!("; {unreadable} unreadable")
            } else {
                String::new()
            },
        );
    }
    if unreadable > 0 {
        ExitCode::from(2)
    } else if invalid > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn read(file: &str) -> io::Result<Vec<u8>> {
    if file == "-" {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(file)
    }
}

fn report(out: &mut String, format: Format, file: &str, error: &ValidationError) {
    let (line, column) = error.position.map_or((1, 1), |it| (it.line, it.column));
    match format {
        Format::Text => {
            let _ = writeln!(
                out,
                "{file}:{line}:{column}: {}: {}",
                error.location(),
                error.message
            );
        }
        Format::Json => {
            let record = serde_json::json!({
                "file": file,
                "line": line,
                "column": column,
                "instance": error.instance_location,
                "schema": error.schema_location,
                "keyword": error.keyword,
                "message": error.message,
            });
            let _ = writeln!(out, "{record}");
        }
        Format::Github => {
            // Workflow commands escape `%`, CR and LF everywhere, and `,` and `:` in properties.
            let data = |s: &str| {
                s.replace('%', "%25")
                    .replace('\r', "%0D")
                    .replace('\n', "%0A")
            };
            let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
            let _ = writeln!(
                out,
                "::error file={},line={line},col={column},title={}::{}: {}",
                property(file),
                property(&format!("runa-order-validate {}", error.keyword)),
                data(error.location()),
                data(&error.message)
            );
        }
    }
}
