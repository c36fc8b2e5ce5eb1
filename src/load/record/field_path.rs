//! Field paths of profiles (`prompt.messages[role=user].content`, `scores.{key}`,
//! `votes.0`): parsed once, followed through a record split by `RawObj`.

use crate::load::record::raw::{array, as_text, Raw, RawObj};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    /// Array element; negative counts from the end.
    Index(i64),
    /// The first array element whose `field` equals `value` (as text).
    Select {
        field: String,
        value: String,
    },
    /// The current wide-layout key (`{key}` in a profile).
    WideKey,
}

/// A dotted path like `prompt.messages[role=user].content`, `scores.{key}`, `votes.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub text: String,
    pub steps: Vec<Step>,
}

impl FieldPath {
    pub fn parse(text: &str) -> Result<FieldPath, String> {
        let mut steps = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let (name, selector) = match part.find('[') {
                Some(i) if part.ends_with(']') => (&part[..i], Some(&part[i + 1..part.len() - 1])),
                Some(_) => return Err(format!("unclosed `[` in path `{text}`")),
                None => (part, None),
            };
            if name == "{key}" {
                steps.push(Step::WideKey);
            } else if let Ok(i) = name.parse::<i64>() {
                steps.push(Step::Index(i));
            } else if !name.is_empty() {
                steps.push(Step::Key(name.to_string()));
            }
            if let Some(sel) = selector {
                match sel.split_once('=') {
                    Some((f, v)) => steps.push(Step::Select {
                        field: f.trim().to_string(),
                        value: v.trim().to_string(),
                    }),
                    None => match sel.trim().parse::<i64>() {
                        Ok(i) => steps.push(Step::Index(i)),
                        Err(_) => return Err(format!("bad selector `[{sel}]` in path `{text}`")),
                    },
                }
            }
        }
        Ok(FieldPath {
            text: text.to_string(),
            steps,
        })
    }

    /// The first key of the path: the top-level field it reads.
    pub fn head(&self) -> Option<&str> {
        match self.steps.first() {
            Some(Step::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// Follows the path from a record already split at the top level.
    pub fn lookup<'a>(&self, top: &RawObj<'a>, key: Option<&str>) -> Option<Raw<'a>> {
        let (first, rest) = self.steps.split_first()?;
        let first = step_key(first, key)?;
        match rest.split_first() {
            // Objects under the top level are split once per record (through `child_get`).
            Some((second, more)) if step_key(second, key).is_some() => {
                let v = top.child_get(first, step_key(second, key)?)?;
                follow(v, more, key)
            }
            _ => follow(top.get(first)?, rest, key),
        }
    }
}

/// The key a step names: its own, or the wide key.
fn step_key<'s>(step: &'s Step, key: Option<&'s str>) -> Option<&'s str> {
    match step {
        Step::Key(k) => Some(k),
        Step::WideKey => key,
        _ => None,
    }
}

fn follow<'a>(mut cur: Raw<'a>, steps: &[Step], key: Option<&str>) -> Option<Raw<'a>> {
    for step in steps {
        cur = match step {
            Step::Key(k) => RawObj::parse(cur)?.get(k)?,
            Step::WideKey => RawObj::parse(cur)?.get(key?)?,
            Step::Index(i) => {
                let items = array(cur)?;
                let idx = if *i < 0 { items.len() as i64 + i } else { *i };
                *items.get(usize::try_from(idx).ok()?)?
            }
            Step::Select { field, value } => array(cur)?.into_iter().find(|item| {
                RawObj::parse(*item)
                    .and_then(|o| o.get(field))
                    .and_then(as_text)
                    .is_some_and(|t| t == *value)
            })?,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(s: &str) -> RawObj<'_> {
        RawObj::parse_record(s).unwrap()
    }

    #[test]
    fn follows_nested_paths_and_selectors() {
        let s = r#"{"prompt":{"messages":[{"role":"system","content":"S"},{"role":"user","content":"U\n"}]},"scores":{"Free_Tier_X":1},"v":[1,2,3]}"#;
        let top = rec(s);
        let p = FieldPath::parse("prompt.messages[role=user].content").unwrap();
        assert_eq!(as_text(p.lookup(&top, None).unwrap()).unwrap(), "U\n");
        let k = FieldPath::parse("scores.{key}").unwrap();
        assert_eq!(k.lookup(&top, Some("Free_Tier_X")).unwrap().get(), "1");
        assert_eq!(
            FieldPath::parse("v.-1")
                .unwrap()
                .lookup(&top, None)
                .unwrap()
                .get(),
            "3"
        );
        assert_eq!(
            FieldPath::parse("v[1]")
                .unwrap()
                .lookup(&top, None)
                .unwrap()
                .get(),
            "2"
        );
        assert!(FieldPath::parse("prompt.nope")
            .unwrap()
            .lookup(&top, None)
            .is_none());
    }
}
