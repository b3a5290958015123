//! Command-line entry point of `cargo xtask`: parses the arguments and runs the task.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::codegen::{self, Mode};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.task {
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
