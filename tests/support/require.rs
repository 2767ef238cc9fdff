//! Tests that cannot run here say so: under CI they fail, elsewhere they say why and stop.

/// Whether a test's precondition holds. When it does not, under `CI=true` the test fails
/// with `reason` (CI must run everything); elsewhere the reason is printed where
/// `cargo test` shows it and the caller returns, so a developer without root still gets a
/// green run of the rest.
///
/// `if !require(Netns::available(), "creating a network namespace needs root") { return; }`
pub fn require(holds: bool, reason: &str) -> bool {
    if holds {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("cannot run under CI: {reason}");
    }
    eprintln!("NOT RUN (not a pass): {reason}; under CI=true this test fails");
    false
}
