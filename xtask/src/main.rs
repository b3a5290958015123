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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.task {
        Task::Codegen { check } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            match codegen::run(&xtask::project_root(), mode) {
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
