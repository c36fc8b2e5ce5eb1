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
    /// Where the transcript was read from (`file:line`), when the label was made here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The verdict scores on screen when the label was made (classifier → score or
    /// `"failed"`), or `"hidden"` in a blind session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<serde_json::Value>,
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
