//! The `lamsach` command. The work is done by the crates under `crates/`;
//! this binary parses the command line and prints.

mod cli;

fn main() -> std::process::ExitCode {
    give_large_blocks_back();
    cli::main_exit()
}

/// glibc serves a freed large block's size from its heap afterwards and
/// keeps the memory: the duplicate search, which frees and allocates block
/// tables of tens of megabytes one after another, then holds a third more
/// than it uses (1M rows: 197 MB at peak, 139 MB with this). A fixed 1 MB
/// threshold keeps every larger block in its own mapping, returned when
/// freed.
fn give_large_blocks_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any
    // thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
