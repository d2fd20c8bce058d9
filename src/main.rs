//! The `cdsim` binary: everything lives in `cdsim::cli`.

fn main() -> std::process::ExitCode {
    cdsim::cli::main()
}
