//! The `lamsach` command. The work is done by the crates under `crates/`;
//! this binary parses the command line and prints.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main_exit()
}
