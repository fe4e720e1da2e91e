//! Argument structs filled in from code, with the CLI's own defaults.

use clap::Parser;

/// `A` from the flags `args` alone, every other flag at its default: the
/// arguments a subcommand gets from the command line, built in code.
pub fn parse_args<A: clap::Args>(args: &[&std::ffi::OsStr]) -> A {
    #[derive(Parser)]
    struct One<A: clap::Args> {
        #[command(flatten)]
        args: A,
    }
    let argv = std::iter::once(std::ffi::OsStr::new("xtask")).chain(args.iter().copied());
    One::<A>::parse_from(argv).args
}
