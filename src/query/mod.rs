//! The query language shared by the interface's filter bar and `afscope list`.

pub mod ast;
pub mod eval;
mod matching;
pub mod parse;
pub mod rawsearch;
pub mod record_tests;

pub use eval::{LabelOverlay, Prepared, Query, TextField, TextMatch};
pub use parse::QueryError;
