//! `runa-order-validate`: checks JSON payload files against a schema of the Runa order API, for CI pipelines.

use std::{
    borrow::Cow,
    fmt::Write as _,
    io::{self, Read, Write},
    process::ExitCode,
};

use clap::{Parser, ValueEnum};
use runa_order_validator::{DEFAULT_MAX_ERRORS, Kind, Options, ValidationError, escape_control};

/// The default of `--max-bytes`: 64 MiB.
const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Check JSON payload files against the Runa order API contract.
///
/// Exit status: 0 when every file is valid, 1 when some file is invalid, 2 on a usage error,
/// an unreadable file, a file larger than --max-bytes, an unknown type, or output that
/// cannot be written.
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

    /// The largest file read, in bytes; a larger file is not checked and makes the exit
    /// status 2.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: u64,

    /// The most errors printed for one file; checking a file stops soon after, and one more
    /// line says that there are more.
    #[arg(
        long,
        value_name = "N",
        default_value_t = DEFAULT_MAX_ERRORS,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    max_errors: usize,
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
    match run(&cli) {
        Ok(code) => code,
        Err(err) => {
            // Standard output is gone (a closed pipe, a full disk): the results are lost.
            eprintln!("error: cannot write to standard output: {err}");
            ExitCode::from(2)
        }
    }
}

/// Checks the files; fails only when standard output cannot be written.
fn run(cli: &Cli) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    if cli.list_types {
        for kind in Kind::ALL {
            writeln!(out, "{}", kind.name())?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let name = cli.kind.as_deref().unwrap_or_default();
    let Some(kind) = Kind::from_name(name) else {
        let hint = suggestion(name)
            .map(|it| format!(" (did you mean `{it}`?)"))
            .unwrap_or_default();
        eprintln!(
            "error: unknown type `{}`{hint}; `runa-order-validate --list-types` prints the known types",
            escape_control(name)
        );
        return Ok(ExitCode::from(2));
    };
    let options = Options {
        show_values: cli.show_values,
        max_errors: cli.max_errors,
    };

    let (mut invalid, mut unreadable, mut errors) = (0usize, 0usize, 0usize);
    for name in &cli.files {
        // The name as printed: a file name may hold a line break or a terminal escape.
        let file = &*escape_control(name);
        let bytes = match read(name, cli.max_bytes) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("error: {file}: {err}");
                unreadable += 1;
                continue;
            }
        };
        if let Err(found) = kind.validate_slice_with(&bytes, &options) {
            drop(bytes);
            invalid += 1;
            errors += found.len();
            let mut text = String::new();
            for error in &found {
                report(&mut text, cli.format, (name, file), error);
            }
            if found.is_truncated() {
                let omitted = found.omitted();
                let _ = writeln!(
                    text,
                    "{file}: ... and at least {omitted} more error{} (checking stopped after --max-errors {})",
                    if omitted == 1 { "" } else { "s" },
                    cli.max_errors
                );
            }
            out.write_all(text.as_bytes())?;
        }
    }
    out.flush()?;
    let checked = cli.files.len() - unreadable;
    if invalid > 0 || unreadable > 0 {
        eprintln!(
            "{invalid} of {checked} checked file{} invalid as {} ({errors} error{}){}",
            if checked == 1 { "" } else { "s" },
            kind.name(),
            if errors == 1 { "" } else { "s" },
            if unreadable > 0 {
                format!("; {unreadable} not checked")
            } else {
                String::new()
            },
        );
    }
    Ok(if unreadable > 0 {
        ExitCode::from(2)
    } else if invalid > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads a file (`-`: standard input), refusing one larger than `max` bytes. At most
/// `max + 1` bytes are read, so an endless input (`/dev/zero`) stops there.
fn read(file: &str, max: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let result = if file == "-" {
        io::stdin()
            .lock()
            .take(max.saturating_add(1))
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|it| {
            // Reserve the size the file says it has (bounded), so that reading does not
            // double the buffer past it.
            let size = it
                .metadata()
                .map_or(0, |it| it.len())
                .min(max.saturating_add(1));
            bytes.reserve_exact(usize::try_from(size).unwrap_or(0));
            it.take(max.saturating_add(1)).read_to_end(&mut bytes)
        })
    };
    result.map_err(|err| format!("cannot read the file: {err}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "the file is larger than {max} bytes (--max-bytes); it was not checked"
        ));
    }
    Ok(bytes)
}

/// Writes one error in `format`. `file` is the name as printed (control characters escaped);
/// the JSON format writes the name as given, `name`. No format prints a control character
/// from the payload or the name: the text format and the GitHub annotations escape them
/// (`escape_control`), and JSON escapes them as `\u` escapes.
fn report(out: &mut String, format: Format, (name, file): (&str, &str), error: &ValidationError) {
    let (line, column) = error.position.map_or((1, 1), |it| (it.line, it.column));
    match format {
        // `error` prints its pointer and message with control characters escaped.
        Format::Text => {
            let _ = writeln!(out, "{file}:{line}:{column}: {error}");
        }
        Format::Json => {
            let record = serde_json::json!({
                "file": name,
                "line": line,
                "column": column,
                "instance": error.instance_location,
                "schema": error.schema_location,
                "keyword": error.keyword,
                "message": error.message,
            });
            let _ = writeln!(out, "{}", json_escaped(&record.to_string()));
        }
        Format::Github => {
            // Workflow commands escape `%`, CR and LF everywhere, and `,` and `:` in properties;
            // other control characters (a terminal escape, which the log viewer would run) are
            // escaped first, which leaves no CR or LF.
            let data = |s: &str| {
                escape_control(s)
                    .replace('%', "%25")
                    .replace('\r', "%0D")
                    .replace('\n', "%0A")
            };
            let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
            let _ = writeln!(
                out,
                "::error file={},line={line},col={column},title={}::{}: {}",
                property(name),
                property(&format!("runa-order-validate {}", error.keyword)),
                data(error.location()),
                data(&error.message)
            );
        }
    }
}

/// JSON text with the control characters serde_json writes raw (DEL, C1, and the others
/// `escape_control` escapes, which serde_json leaves alone because JSON allows them in
/// strings) written as `\u` escapes. They can only be inside strings, where `\u` escapes
/// mean the same characters, so the JSON value is unchanged.
fn json_escaped(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if let Cow::Borrowed(_) = escape_control(c.encode_utf8(&mut [0; 4])) {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out
}

/// The known type a mistyped `name` most likely means: the same name in another case, else
/// the shortest name that starts with it (`NewOrder` gives `NewOrderDetails`), else the most
/// similar name, if it is similar enough.
fn suggestion(name: &str) -> Option<&'static str> {
    let wanted = name.to_ascii_lowercase();
    let names = || Kind::ALL.iter().map(|it| it.name());
    if let Some(same) = names().find(|it| it.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    if !wanted.is_empty()
        && let Some(longer) = names()
            .filter(|it| it.to_ascii_lowercase().starts_with(&wanted))
            .min_by_key(|it| it.len())
    {
        return Some(longer);
    }
    names()
        .map(|it| (strsim::jaro_winkler(&wanted, &it.to_ascii_lowercase()), it))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, it)| it)
}
