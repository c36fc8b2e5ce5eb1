//! A query's text terms run on each record while it is indexed, and read back when
//! the query is evaluated on that corpus.

use super::ast::{Expr, TextTest};
use super::Query;
use crate::load::index::marks::{RecordTests, Tests, MAX_TESTS};
use crate::load::profile::Profile;
use crate::load::record::raw::RawObj;
use std::sync::Arc;

/// The text terms of a query, in the order `text_terms` lists them.
struct TextTerms {
    fingerprint: String,
    terms: Vec<TextTest>,
}

impl RecordTests for TextTerms {
    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn len(&self) -> usize {
        self.terms.len()
    }

    fn test(
        &self,
        k: usize,
        profile: &Profile,
        top: &RawObj<'_>,
        key: Option<&str>,
    ) -> Option<bool> {
        super::rawsearch::test_record(profile, top, key, &self.terms[k])
    }
}

/// Every text term of an expression, in tree order (negated ones too).
pub fn text_terms<'e>(e: &'e Expr, out: &mut Vec<&'e TextTest>) {
    match e {
        Expr::Text(t) => out.push(t),
        Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| text_terms(e, out)),
        Expr::Not(e) => text_terms(e, out),
        Expr::All | Expr::Field(_) | Expr::Evidence(_) => {}
    }
}

/// What marks made for `query` are recorded under.
pub fn fingerprint(query: &Query) -> String {
    format!("query {}", query.text)
}

impl Query {
    /// The query's text terms as tests to run while its corpus is indexed, so a
    /// command pays for the index and the patterns only; `None` when the query has no
    /// text term (or more than can be marked).
    pub fn record_tests(&self) -> Option<Tests> {
        let mut terms = Vec::new();
        text_terms(&self.expr, &mut terms);
        if terms.is_empty() || terms.len() > MAX_TESTS {
            return None;
        }
        Some(Tests(Arc::new(TextTerms {
            fingerprint: fingerprint(self),
            terms: terms.into_iter().cloned().collect(),
        })))
    }
}
