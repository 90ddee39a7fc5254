//! The `orderly` command: serve, migrate, manage users.

fn main() -> std::process::ExitCode {
    orderly::cli::main()
}
