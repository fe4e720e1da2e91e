use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    xtask::cli::run(xtask::cli::Cli::parse())
}
