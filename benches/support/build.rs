//! Which build a benchmark ran on, for the sections it writes into docs/performance.md.

/// The command that reproduces this benchmark and the build it names (debug or optimised).
pub fn build() -> (String, &'static str) {
    let name = env!("CARGO_CRATE_NAME");
    if cfg!(debug_assertions) {
        (format!("cargo bench --bench {name} --profile dev"), "debug build")
    } else {
        (format!("cargo bench --bench {name}"), "optimised build (the bench profile)")
    }
}
