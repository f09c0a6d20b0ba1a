//! The `s3presign` binary; everything it does is in the library (src/lib.rs lists the steps).

fn main() -> std::process::ExitCode {
    s3presign::commands::main().into()
}
