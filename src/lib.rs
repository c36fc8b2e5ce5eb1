//! afscope: a terminal inspector for alignment-faking transcripts and classifier outputs.
//!
//! Layers: `model` (plain data: transcripts, tiers, verdicts, labels) and `load`
//! (files to an index and transcripts, through profiles) form the data layer;
//! the binary's commands sit on top.

pub mod app;
pub mod demo;
pub mod labeling;
pub mod load;
pub mod model;
pub mod query;
pub mod stats;
pub mod synth;
pub mod tui;
pub mod ui;
