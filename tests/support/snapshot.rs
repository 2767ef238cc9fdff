//! Every `snapshot --json` the tests produce goes through here and is checked against the
//! committed contract, `docs/snapshot.schema.json`.

use serde_json::Value;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The committed schema, compiled once per test binary (draft 2020-12, no remote refs).
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/snapshot.schema.json");
        let text = std::fs::read_to_string(&path).expect("docs/snapshot.schema.json is committed");
        let schema: Value = serde_json::from_str(&text).expect("docs/snapshot.schema.json is JSON");
        jsonschema::draft202012::new(&schema).expect("docs/snapshot.schema.json is a valid schema")
    })
}

/// Each way `doc` breaks the schema, as "at /path: what", empty when it conforms.
pub fn schema_errors(doc: &Value) -> Vec<String> {
    validator().iter_errors(doc).map(|e| format!("at {}: {e}", e.instance_path())).collect()
}

/// Fails the test, naming every violation, unless `doc` conforms to the schema.
pub fn validate_snapshot(doc: &Value) {
    let errors = schema_errors(doc);
    assert!(
        errors.is_empty(),
        "snapshot --json breaks docs/snapshot.schema.json:\n  {}\ndocument: {doc:#}",
        errors.join("\n  ")
    );
}

/// Runs `command` (the binary asked for `snapshot --json`, however it is started), parses
/// what it printed and validates it. Returns the output (for its status and stderr) and
/// the document.
pub fn snapshot_json(command: &mut Command) -> (Output, Value) {
    let out = command.output().expect("run hypervisor-tui snapshot --json");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "snapshot --json printed no JSON document ({e}); status {}, stderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    validate_snapshot(&doc);
    (out, doc)
}
