//! `cargo xtask SUBCOMMAND`: the command line of the development tools.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "xtask", about = "lamsach development tools (not shipped)")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Sinh dữ liệu thử có lỗi đã biết / generate test data with known problems
    Synth(crate::synth::SynthArgs),
    /// Đo precision/recall của issues.csv so với đáp án / score issues.csv against ground truth
    Score(crate::synth::ScoreArgs),
    /// Sinh dữ liệu thử có bản ghi trùng đã biết / generate an export with known duplicates
    SynthDupes(crate::dedupe_synth::SynthArgs),
    /// Đo precision/recall/F1 của clusters.csv / score clusters.csv against a truth file
    ScoreDupes(crate::dedupe_score::ScoreArgs),
    /// Write docs/rules/README.md (the index) and docs/rules/CODE.md from the rule registry
    Docs {
        /// Write nothing; exit with 1 when a generated file is stale
        #[arg(long)]
        check: bool,
    },
}

/// Runs one subcommand: errors print to stderr and exit with 2.
pub fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        Command::Synth(a) => crate::synth::run_synth(a),
        Command::Score(a) => crate::synth::run_score(a),
        Command::SynthDupes(a) => crate::dedupe_synth::run(a),
        Command::ScoreDupes(a) => crate::dedupe_score::run(a),
        Command::Docs { check } => return crate::docs::run(*check),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::from(2)
        }
    }
}
