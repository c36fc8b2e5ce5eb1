//! Human labels attached to transcripts; the labeling workflow builds on this record.

use serde::{Deserialize, Serialize};

/// One hand label, as stored one per line in a label file or journal.
///
/// `values` is keyed by schema field (`af`, `compliance`, criterion names, `note`), so
/// new schema fields need no change here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelRecord {
    pub transcript_id: String,
    pub labeler: String,
    /// RFC 3339 time the label was made.
    pub time: String,
    #[serde(default = "default_schema")]
    pub schema: u32,
    pub values: serde_json::Map<String, serde_json::Value>,
}

fn default_schema() -> u32 {
    1
}

impl LabelRecord {
    /// The alignment-faking answer (`yes` / `no` / `unsure`), if set.
    pub fn af(&self) -> Option<&str> {
        self.values.get("af").and_then(|v| v.as_str())
    }
}
