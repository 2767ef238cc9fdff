//! The JSON Schema of `snapshot --json`, generated from the contract types. The committed
//! copy is `docs/snapshot.schema.json`; `tests/snapshot_schema.rs` fails when the two
//! differ and rewrites it with `UPDATE_SCHEMA=1`.

use super::types::Snapshot;
use schemars::generate::SchemaSettings;

/// Where the committed schema lives, relative to the repository root.
pub const SCHEMA_PATH: &str = "docs/snapshot.schema.json";

/// The schema (draft 2020-12) of the document as serialised: every key present, `null`
/// where the type allows it.
pub fn schema() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().for_serialize().into_generator();
    generator.into_root_schema_for::<Snapshot>().to_value()
}

/// The schema as committed: pretty-printed, with a final newline.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}
