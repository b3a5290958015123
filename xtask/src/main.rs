//! Command-line entry point of `cargo xtask`: parses the arguments and runs the task.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{
    changes::{self, Base, Level, render::Format, seeded},
    codegen::{self, Mode},
    semver_check,
};

/// Project automation for the Runa order workspace.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Generate the code of the workspace crates from spec/.
    Codegen {
        /// Write nothing; fail with a diff if a generated file is out of date.
        #[arg(long)]
        check: bool,
        /// Refuse a spec file larger than this many bytes.
        #[arg(long, value_name = "N", default_value_t = codegen::load::DEFAULT_MAX_SPEC_BYTES)]
        max_spec_bytes: u64,
    },
    /// Report what the spec changes since a git revision (or a folder) mean for clients and
    /// for the generated crates.
    Changes {
        /// The git revision of the old spec.
        #[arg(
            long,
            value_name = "REV",
            default_value = "HEAD",
            conflicts_with = "old"
        )]
        base: String,
        /// A folder holding the old `order-api.schema.json` and `operations.json`.
        #[arg(long, value_name = "DIR")]
        old: Option<std::path::PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit with 1 when a finding reaches this level.
        #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
        fail_on: Option<Level>,
        /// Refuse a spec file larger than this many bytes.
        #[arg(long, value_name = "N", default_value_t = codegen::load::DEFAULT_MAX_SPEC_BYTES)]
        max_spec_bytes: u64,
    },
    /// Check the semver bumps `changes` predicts against cargo-semver-checks, on the crates
    /// generated before and after each seeded edit of the spec (installs the pinned
    /// cargo-semver-checks under the target directory when it is missing).
    SemverCheck {
        /// The seed of the edits (the one `tests/changes.rs` uses by default).
        #[arg(long, value_name = "N", default_value_t = seeded::DEFAULT_SEED)]
        seed: u64,
        /// How many edits, each compared made and undone.
        #[arg(long, value_name = "N", default_value_t = seeded::DEFAULT_COUNT)]
        edits: usize,
        /// A cargo-semver-checks binary to use instead of the one under the target directory.
        #[arg(long, value_name = "PATH")]
        tool: Option<std::path::PathBuf>,
    },
}

/// `cargo xtask semver-check`: 0 when no prediction is lower than what cargo-semver-checks
/// requires, 1 when one is, 2 when the comparison cannot be made.
fn run_semver_check(options: semver_check::Options) -> ExitCode {
    let outcome = xtask::project_root().and_then(|root| {
        eprintln!("root: {}", root.display());
        semver_check::run(&root, &options)
    });
    match outcome {
        Ok(outcome) => {
            print!("{}", outcome.render());
            if outcome.count(semver_check::Verdict::Lower) > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn parse_level(text: &str) -> Result<Level, String> {
    Level::from_name(text).ok_or_else(|| "expected breaking, warning or info".to_owned())
}

/// `cargo xtask changes`: 0, 1 when a finding reaches `fail_on`, 2 on any error.
fn run_changes(base: Base, format: Format, fail_on: Option<Level>, max_bytes: u64) -> ExitCode {
    let root = match xtask::project_root() {
        Ok(root) => root,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    match changes::run(&root, &base, max_bytes) {
        Ok(report) => {
            print!("{}", changes::render::render(&report, format));
            match (fail_on, report.worst()) {
                (Some(limit), Some(worst)) if worst >= limit => ExitCode::from(1),
                _ => ExitCode::SUCCESS,
            }
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    // clap exits with 2 on a usage error.
    let cli = Cli::parse();
    match cli.task {
        Task::SemverCheck { seed, edits, tool } => {
            run_semver_check(semver_check::Options { seed, edits, tool })
        }
        Task::Changes {
            base,
            old,
            format,
            fail_on,
            max_spec_bytes,
        } => {
            let base = match old {
                Some(dir) => Base::Folder(dir),
                None => Base::Revision(base),
            };
            run_changes(base, format, fail_on, max_spec_bytes)
        }
        Task::Codegen {
            check,
            max_spec_bytes,
        } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            let root = match xtask::project_root() {
                Ok(root) => root,
                Err(err) => {
                    eprintln!("error: {err}");
                    return ExitCode::FAILURE;
                }
            };
            // Every report names the checkout it read and wrote, so a binary reused from
            // another checkout (a shared target directory) cannot go unnoticed.
            eprintln!("root: {}", root.display());
            let limits = codegen::Limits { max_spec_bytes };
            match codegen::run_with(&root, mode, &limits) {
                Ok(report) => {
                    eprint!("{report}");
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("{err}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
