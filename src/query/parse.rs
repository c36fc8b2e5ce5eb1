//! Parses the query language: field filters (`model:opus`, `tier:free`, `af>=0.4`),
//! text terms (`"literal"`, `/regex/i`, `scratchpad:/modify my values/`), and
//! `and` / `or` / `not` / `-` / parentheses. Juxtaposed terms are and-ed.

use super::ast::{
    Cmp, EvidenceTest, Expr, FieldTest, LabelTest, PairTest, QuoteKind, Scope, ScoreField,
    ScoreState, StrMatch, TextTest,
};
use crate::model::Tier;
use regex::{Regex, RegexBuilder};
use std::fmt;
use std::ops::Range;

/// A query that does not parse, with the part of the text at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub span: Range<usize>,
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.span.start + 1, self.message)
    }
}

impl QueryError {
    fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        QueryError {
            span,
            message: message.into(),
        }
    }

    /// The query with a caret line under the bad part, for terminals.
    pub fn pointed(&self, query: &str) -> String {
        let pad: usize = query[..self.span.start.min(query.len())].chars().count();
        let width = query
            .get(self.span.clone())
            .map_or(1, |s| s.chars().count().max(1));
        format!(
            "{query}\n{}{} {}",
            " ".repeat(pad),
            "^".repeat(width),
            self.message
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Bare(String),
    Quoted(String),
    Regex(String, String),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    Term(Value),
    Field {
        name: String,
        op: String,
        value: Value,
        value_span: Range<usize>,
    },
}

const OPS: [&str; 9] = [":~", ":=", ":", ">=", "<=", "!=", ">", "<", "="];

fn lex(q: &str) -> Result<Vec<(Tok, Range<usize>)>, QueryError> {
    let b = q.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        match c {
            b'(' => {
                out.push((Tok::Open, i..i + 1));
                i += 1;
            }
            b')' => {
                out.push((Tok::Close, i..i + 1));
                i += 1;
            }
            b'-' | b'!' if b.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) => {
                out.push((Tok::Not, i..i + 1));
                i += 1;
            }
            b'"' | b'/' => {
                let (v, end) = value(q, i)?;
                out.push((Tok::Term(v), start..end));
                i = end;
            }
            _ => {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                let op = OPS.iter().find(|op| j > i && q[j..].starts_with(**op));
                if let Some(op) = op {
                    let name = q[i..j].to_ascii_lowercase();
                    let vstart = j + op.len();
                    let (v, end) = value(q, vstart)?;
                    if matches!(&v, Value::Bare(s) if s.is_empty()) {
                        return Err(QueryError::new(
                            start..vstart,
                            format!("`{name}{op}` needs a value"),
                        ));
                    }
                    out.push((
                        Tok::Field {
                            name,
                            op: op.to_string(),
                            value: v,
                            value_span: vstart..end,
                        },
                        start..end,
                    ));
                    i = end;
                } else {
                    let (v, end) = value(q, i)?;
                    let tok = match &v {
                        Value::Bare(w) if w.eq_ignore_ascii_case("and") => Tok::And,
                        Value::Bare(w) if w.eq_ignore_ascii_case("or") => Tok::Or,
                        Value::Bare(w) if w.eq_ignore_ascii_case("not") => Tok::Not,
                        _ => Tok::Term(v),
                    };
                    out.push((tok, start..end));
                    i = end;
                }
            }
        }
    }
    Ok(out)
}

/// Reads a quoted string, a `/regex/flags`, or a bare word starting at `i`.
fn value(q: &str, i: usize) -> Result<(Value, usize), QueryError> {
    let b = q.as_bytes();
    match b.get(i) {
        Some(&quote @ (b'"' | b'/')) => {
            let mut s = String::new();
            let mut j = i + 1;
            loop {
                let Some(ch) = q[j..].chars().next() else {
                    let what = if quote == b'"' { "quote" } else { "`/`" };
                    return Err(QueryError::new(i..q.len(), format!("unclosed {what}")));
                };
                if ch == '\\' && q[j + 1..].starts_with(quote as char) {
                    s.push(quote as char);
                    j += 2;
                } else if ch == '\\' && quote == b'"' && q[j + 1..].starts_with('\\') {
                    s.push('\\');
                    j += 2;
                } else if ch as u32 == u32::from(quote) {
                    j += 1;
                    break;
                } else {
                    s.push(ch);
                    j += ch.len_utf8();
                }
            }
            if quote == b'"' {
                return Ok((Value::Quoted(s), j));
            }
            let fstart = j;
            while j < b.len() && b[j].is_ascii_alphabetic() {
                j += 1;
            }
            Ok((Value::Regex(s, q[fstart..j].to_string()), j))
        }
        _ => {
            let mut j = i;
            while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'(' && b[j] != b')' {
                j += q[j..].chars().next().map_or(1, char::len_utf8);
            }
            Ok((Value::Bare(q[i..j].to_string()), j))
        }
    }
}

struct Parser<'q> {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    query: &'q str,
    /// Open parentheses and `not`s around the current term.
    depth: usize,
}

/// Parentheses and `not`s nested deeper than this are refused (queries come from
/// the filter bar, saved filters, `-q` and other people's journals).
pub const MAX_DEPTH: usize = 256;

/// Queries longer than this (in bytes) are refused.
pub const MAX_LEN: usize = 64 * 1024;

/// Parses a query; the empty query matches everything.
pub fn parse(query: &str) -> Result<Expr, QueryError> {
    if query.len() > MAX_LEN {
        return Err(QueryError::new(
            0..0,
            format!(
                "query too long ({} bytes; the limit is {MAX_LEN})",
                query.len()
            ),
        ));
    }
    let toks = lex(query)?;
    if toks.is_empty() {
        return Ok(Expr::All);
    }
    let mut p = Parser {
        toks,
        pos: 0,
        query,
        depth: 0,
    };
    let e = p.or()?;
    if let Some((_, span)) = p.toks.get(p.pos) {
        return Err(QueryError::new(span.clone(), "unexpected `)`"));
    }
    Ok(e)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::All)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.unary()?];
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.pos += 1;
                    items.push(self.unary()?);
                }
                Some(Tok::Or | Tok::Close) | None => break,
                Some(_) => items.push(self.unary()?),
            }
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::All)
        } else {
            Expr::And(items)
        })
    }

    /// Goes one level deeper at the token at `pos`, or refuses past `MAX_DEPTH`.
    fn deeper(&mut self, pos: usize) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.toks.get(pos).map_or(0..0, |(_, s)| s.clone());
            return Err(QueryError::new(
                span,
                format!("query nested too deeply (limit {MAX_DEPTH})"),
            ));
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        if self.peek() == Some(&Tok::Not) {
            self.deeper(self.pos)?;
            self.pos += 1;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, QueryError> {
        let end = self.query.len();
        let Some((tok, span)) = self.toks.get(self.pos).cloned() else {
            return Err(QueryError::new(end..end, "expected a term"));
        };
        self.pos += 1;
        match tok {
            Tok::Open => {
                self.deeper(self.pos - 1)?;
                let e = self.or()?;
                self.depth -= 1;
                match self.peek() {
                    Some(Tok::Close) => {
                        self.pos += 1;
                        Ok(e)
                    }
                    _ => Err(QueryError::new(span, "this `(` is never closed")),
                }
            }
            Tok::Close => Err(QueryError::new(span, "unexpected `)`")),
            Tok::And | Tok::Or => Err(QueryError::new(
                span,
                "expected a term before this operator",
            )),
            Tok::Not => Err(QueryError::new(span, "expected a term after `not`")),
            Tok::Term(v) => text_term(Scope::All, v, span),
            Tok::Field {
                name,
                op,
                value,
                value_span,
            } => field(&name, &op, value, span, value_span),
        }
    }
}

fn regex(
    pattern: &str,
    flags: &str,
    case_insensitive: bool,
    span: &Range<usize>,
) -> Result<Regex, QueryError> {
    if let Some(bad) = flags.chars().find(|c| !matches!(c, 'i' | 's' | 'm' | 'x')) {
        return Err(QueryError::new(
            span.clone(),
            format!("unknown regex flag `{bad}` (use i, s, m, x)"),
        ));
    }
    RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive || flags.contains('i'))
        .dot_matches_new_line(flags.contains('s'))
        .multi_line(flags.contains('m'))
        .ignore_whitespace(flags.contains('x'))
        .size_limit(1 << 22)
        .build()
        .map_err(|e| {
            QueryError::new(
                span.clone(),
                format!(
                    "bad regex: {}",
                    e.to_string().lines().last().unwrap_or("invalid")
                ),
            )
        })
}

fn text_term(scope: Scope, v: Value, span: Range<usize>) -> Result<Expr, QueryError> {
    let (pattern, flags, ci) = match &v {
        Value::Bare(s) | Value::Quoted(s) => (regex::escape(s), String::new(), true),
        Value::Regex(p, f) => (p.clone(), f.clone(), false),
    };
    let regex = regex(&pattern, &flags, ci, &span)?;
    let has = |c| flags.contains(c);
    let raw = super::rawsearch::raw_safety(&pattern, ci || has('i'), has('s'), has('m'), has('x'));
    Ok(Expr::Text(TextTest {
        scope,
        regex,
        span,
        raw,
    }))
}

fn str_match(op: &str, v: Value, span: &Range<usize>) -> Result<StrMatch, QueryError> {
    Ok(match (op, v) {
        (":" | ":~", Value::Regex(p, f)) => StrMatch::Regex(regex(&p, &f, true, span)?),
        (":~", Value::Bare(p) | Value::Quoted(p)) => StrMatch::Regex(regex(&p, "", true, span)?),
        (":=" | "=", Value::Bare(s) | Value::Quoted(s)) => StrMatch::Exact(s.to_lowercase()),
        (":", Value::Bare(s) | Value::Quoted(s)) => StrMatch::Contains(s.to_lowercase()),
        (op, _) => {
            return Err(QueryError::new(
                span.clone(),
                format!("`{op}` does not apply to text fields; use `:`, `:=` or `:~`"),
            ))
        }
    })
}

fn number(v: &Value, span: &Range<usize>) -> Result<f64, QueryError> {
    match v {
        Value::Bare(s) | Value::Quoted(s) => s
            .parse::<f64>()
            .map_err(|_| QueryError::new(span.clone(), format!("`{s}` is not a number"))),
        Value::Regex(..) => Err(QueryError::new(span.clone(), "expected a number")),
    }
}

fn cmp(op: &str) -> Option<Cmp> {
    Some(match op {
        "<" => Cmp::Lt,
        "<=" => Cmp::Le,
        ">" => Cmp::Gt,
        ">=" => Cmp::Ge,
        "=" | ":" | ":=" => Cmp::Eq,
        "!=" => Cmp::Ne,
        _ => return None,
    })
}

fn bare(v: &Value) -> Option<&str> {
    match v {
        Value::Bare(s) | Value::Quoted(s) => Some(s),
        Value::Regex(..) => None,
    }
}

const FIELDS: &str = "id, model, tier, condition, af, compliance, verdict, label, pair, prompt_index, spans, quote, and text scopes text, system, user, completion, scratchpad, output";

fn field(
    name: &str,
    op: &str,
    v: Value,
    span: Range<usize>,
    vspan: Range<usize>,
) -> Result<Expr, QueryError> {
    if let Some(scope) = Scope::parse(name) {
        if op != ":" {
            return Err(QueryError::new(
                span,
                format!("text scopes take `:`, as in {name}:\"...\""),
            ));
        }
        return text_term(scope, v, vspan);
    }
    let test = match name {
        "id" => FieldTest::Id(str_match(op, v, &vspan)?),
        "model" => FieldTest::Model(str_match(op, v, &vspan)?),
        "condition" | "variant" => FieldTest::Condition(str_match(op, v, &vspan)?),
        "tier" => {
            let s = bare(&v).unwrap_or_default();
            let tier = if s.eq_ignore_ascii_case("unknown") {
                Some(Tier::Unknown)
            } else {
                Tier::parse(s)
            };
            match (op, tier) {
                (":" | "=" | ":=", Some(t)) => FieldTest::Tier(t),
                (":" | "=" | ":=", None) => {
                    return Err(QueryError::new(vspan, "tier is free, paid or unknown"))
                }
                _ => {
                    return Err(QueryError::new(
                        span,
                        "use tier:free, tier:paid or tier:unknown",
                    ))
                }
            }
        }
        "af" | "compliance" => {
            let which = if name == "af" {
                ScoreField::Af
            } else {
                ScoreField::Compliance
            };
            let state = bare(&v).and_then(|s| match s.to_ascii_lowercase().as_str() {
                "failed" | "unscored" => Some(ScoreState::Failed),
                "none" => Some(ScoreState::None),
                "any" => Some(ScoreState::Any),
                _ => None,
            });
            match (state, op) {
                (Some(st), ":" | "=") => FieldTest::ScoreState(which, st),
                _ => match cmp(op) {
                    Some(c) => FieldTest::Score(which, c, number(&v, &vspan)?),
                    None => {
                        return Err(QueryError::new(
                            span,
                            format!("use {name}>=0.4, {name}<0.5 or {name}:failed"),
                        ))
                    }
                },
            }
        }
        "verdict" => match bare(&v).map(str::to_ascii_lowercase).as_deref() {
            Some("failed" | "unscored") => FieldTest::VerdictFailed,
            _ => return Err(QueryError::new(vspan, "use verdict:failed")),
        },
        "label" => {
            let s = bare(&v).map(str::to_ascii_lowercase).unwrap_or_default();
            FieldTest::Label(match s.as_str() {
                "none" => LabelTest::None,
                "any" => LabelTest::Any,
                "af" | "yes" => LabelTest::Af("yes".into()),
                "notaf" | "no" => LabelTest::Af("no".into()),
                other => LabelTest::Af(other.to_string()),
            })
        }
        "spans" => match cmp(op) {
            Some(c) => return Ok(Expr::Evidence(EvidenceTest::Spans(c, number(&v, &vspan)?))),
            None => return Err(QueryError::new(span, "use spans>0 or spans=0")),
        },
        "quote" => {
            let kind = match bare(&v).map(str::to_ascii_lowercase).as_deref() {
                Some("notfound" | "not_found" | "missing") => QuoteKind::NotFound,
                Some("fuzzy") => QuoteKind::Fuzzy,
                Some("normalized" | "normalised") => QuoteKind::Normalized,
                Some("exact") => QuoteKind::Exact,
                _ => {
                    return Err(QueryError::new(
                        vspan,
                        "use quote:notfound, quote:fuzzy, quote:normalized or quote:exact",
                    ))
                }
            };
            return Ok(Expr::Evidence(EvidenceTest::Quote(kind)));
        }
        "pair" => FieldTest::Pair(match bare(&v).map(str::to_ascii_lowercase).as_deref() {
            Some("any") => PairTest::Any,
            Some("none") => PairTest::None,
            Some("discordant") => PairTest::Discordant,
            _ => {
                return Err(QueryError::new(
                    vspan,
                    "use pair:any, pair:none or pair:discordant",
                ))
            }
        }),
        "prompt_index" | "pi" => match cmp(op) {
            Some(c) => FieldTest::PromptIndex(c, number(&v, &vspan)?),
            None => {
                return Err(QueryError::new(
                    span,
                    "use prompt_index=3 or prompt_index<10",
                ))
            }
        },
        other => {
            return Err(QueryError::new(
                span.start..span.start + other.len(),
                format!("unknown field `{other}`; fields are {FIELDS}"),
            ))
        }
    };
    Ok(Expr::Field(test))
}
