//! A query's text terms run on each record while it is indexed, and read back when
//! the query is evaluated on that corpus.

use super::ast::{Expr, TextTest};
use super::rawsearch::RecordTexts;
use super::Query;
use crate::load::index::marks::{set, RecordTests, Tests, MAX_TESTS};
use crate::load::profile::extract::Known;
use crate::load::profile::Profile;
use crate::load::record::raw::RawObj;
use std::sync::Arc;

/// The text terms of a query, in the order `text_terms` lists them, and the query
/// they are in.
struct TextTerms {
    fingerprint: String,
    terms: Vec<TextTest>,
    expr: Expr,
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

    /// The terms the query asks on this record, each on texts extracted once: an
    /// `and` stops at its first term found false, an `or` at its first found true
    /// (fields count as unknown here). A term left undecided is one that evaluating
    /// the query never asks: it tests items in this order and stops at the same
    /// answers, and knowing the fields can only make it stop sooner.
    fn mark<'a>(
        &self,
        profile: &Profile,
        top: &RawObj<'a>,
        key: Option<&str>,
        known: Known<'a>,
    ) -> u64 {
        let texts = RecordTexts::with_known(profile, top, key, known);
        let mut walk = Walk {
            texts: &texts,
            k: 0,
            mark: 0,
        };
        walk.eval(&self.expr);
        walk.mark
    }
}

/// Evaluating a query's text terms on one record, three-valued.
struct Walk<'t, 'r, 'a> {
    texts: &'t RecordTexts<'r, 'a>,
    /// The next text term's number.
    k: usize,
    mark: u64,
}

impl Walk<'_, '_, '_> {
    fn eval(&mut self, e: &Expr) -> Option<bool> {
        match e {
            Expr::All => Some(true),
            Expr::Field(_) | Expr::Evidence(_) => None,
            Expr::Text(t) => {
                let found = self.texts.test(t);
                if let Some(f) = found {
                    self.mark = set(self.mark, self.k, f);
                }
                self.k += 1;
                found
            }
            Expr::Not(inner) => self.eval(inner).map(|b| !b),
            Expr::And(items) => self.combine(items, false),
            Expr::Or(items) => self.combine(items, true),
        }
    }

    fn combine(&mut self, items: &[Expr], dominant: bool) -> Option<bool> {
        let (mut decided, mut unknown) = (false, false);
        for item in items {
            if decided {
                // Skipped: its terms keep their numbers.
                let mut skipped = Vec::new();
                text_terms(item, &mut skipped);
                self.k += skipped.len();
                continue;
            }
            match self.eval(item) {
                Some(v) if v == dominant => decided = true,
                Some(_) => {}
                None => unknown = true,
            }
        }
        if decided {
            Some(dominant)
        } else if unknown {
            None
        } else {
            Some(!dominant)
        }
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
            expr: self.expr.clone(),
        })))
    }
}
