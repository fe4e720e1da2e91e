fn main() -> std::process::ExitCode {
    lamsach::cli::main_exit()
}
