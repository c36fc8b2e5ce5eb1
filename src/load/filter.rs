//! Field filters over index entries (model, tier, condition), as `list` flags take them.

use super::corpus::View;
use crate::model::Tier;

/// Entries pass when every set field matches.
#[derive(Debug, Clone, Default)]
pub struct FieldFilter {
    /// Case-insensitive substring of the model name.
    pub model: Option<String>,
    pub tier: Option<Tier>,
    /// Case-insensitive substring of the condition.
    pub condition: Option<String>,
}

impl FieldFilter {
    pub fn new(
        model: Option<&str>,
        tier: Option<&str>,
        condition: Option<&str>,
    ) -> Result<FieldFilter, String> {
        let tier = match tier {
            None => None,
            Some(t) if t.eq_ignore_ascii_case("unknown") => Some(Tier::Unknown),
            Some(t) => Some(
                Tier::parse(t)
                    .ok_or_else(|| format!("--tier {t}: expected free, paid or unknown"))?,
            ),
        };
        Ok(FieldFilter {
            model: model.map(str::to_lowercase),
            tier,
            condition: condition.map(str::to_lowercase),
        })
    }

    pub fn matches(&self, view: &View<'_>, i: usize) -> bool {
        let contains = |have: Option<&str>, want: &Option<String>| match want {
            None => true,
            Some(w) => have.is_some_and(|h| h.to_lowercase().contains(w.as_str())),
        };
        self.tier.is_none_or(|t| view.entry(i).tier() == t)
            && contains(view.model(i), &self.model)
            && contains(view.condition(i), &self.condition)
    }
}
