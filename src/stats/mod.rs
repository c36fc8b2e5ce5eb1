//! Statistics over a loaded corpus: classifier evaluation against human labels and
//! the compliance gap between tiers.

pub mod baseline;
pub mod bootstrap;
pub mod compare;
pub mod compare_render;
pub mod correction;
pub mod eval;
pub mod eval_render;
pub mod gap;
pub mod gap_render;
pub mod label_budget;
pub mod labels;
pub mod table;
pub mod votes;
