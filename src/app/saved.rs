//! Named filters the user saved and the queries typed before, and their file format
//! (`[filters] name = "query"`, `[history] queries = [...]`).

use std::collections::BTreeMap;

/// How many typed queries are kept.
pub const HISTORY: usize = 100;

/// The saved filters, the queries typed before, and the picker's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saved {
    pub filters: BTreeMap<String, String>,
    /// Queries applied from the filter bar, oldest first, each once.
    pub history: Vec<String>,
    pub cursor: usize,
    /// A name whose replacement (naming) or deletion (picker) waits for the same key
    /// again.
    pub confirm: Option<String>,
}

impl Saved {
    /// Reads `[filters] name = "query"`.
    pub fn parse(text: &str) -> Result<Saved, String> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
        let mut filters = BTreeMap::new();
        if let Some(f) = table.get("filters") {
            let f = f.as_table().ok_or("`filters` must be a table")?;
            for (name, q) in f {
                let q = q
                    .as_str()
                    .ok_or_else(|| format!("filter `{name}` must be a string"))?;
                filters.insert(name.clone(), q.to_string());
            }
        }
        let mut history = Vec::new();
        if let Some(h) = table.get("history") {
            let queries = h
                .as_table()
                .and_then(|t| t.get("queries"))
                .and_then(|q| q.as_array())
                .ok_or("`history` must be a table with `queries = [...]`")?;
            history = queries
                .iter()
                .filter_map(|q| q.as_str().map(str::to_string))
                .collect();
            let excess = history.len().saturating_sub(HISTORY);
            history.drain(..excess);
        }
        Ok(Saved {
            filters,
            history,
            cursor: 0,
            confirm: None,
        })
    }

    /// Keeps `query` as the newest typed query (once, the oldest dropped past
    /// [`HISTORY`]); whether that changed the history.
    pub fn remember(&mut self, query: &str) -> bool {
        let query = query.trim();
        if query.is_empty() || self.history.last().map(String::as_str) == Some(query) {
            return false;
        }
        self.history.retain(|q| q != query);
        self.history.push(query.to_string());
        let excess = self.history.len().saturating_sub(HISTORY);
        self.history.drain(..excess);
        true
    }

    pub fn to_toml(&self) -> String {
        let mut table = toml::Table::new();
        let filters: toml::Table = self
            .filters
            .iter()
            .map(|(k, v)| (k.clone(), toml::Value::String(v.clone())))
            .collect();
        table.insert("filters".into(), toml::Value::Table(filters));
        if !self.history.is_empty() {
            let queries = self
                .history
                .iter()
                .map(|q| toml::Value::String(q.clone()))
                .collect();
            let mut history = toml::Table::new();
            history.insert("queries".into(), toml::Value::Array(queries));
            table.insert("history".into(), toml::Value::Table(history));
        }
        format!(
            "# afscope saved filters (name = \"query\") and the queries typed before\n{}",
            toml::to_string(&table).unwrap_or_default()
        )
    }

    pub fn selected(&self) -> Option<(&String, &String)> {
        self.filters.iter().nth(self.cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_toml() {
        let mut s = Saved::default();
        s.filters.insert(
            "opus free af".into(),
            "model:opus tier:free scratchpad:\"modify\"".into(),
        );
        s.filters
            .insert("discordant".into(), "pair:discordant".into());
        assert!(s.remember("tier:free"));
        assert!(s.remember("model:opus"));
        assert!(!s.remember("model:opus"), "the newest again is no change");
        assert!(s.remember("tier:free"));
        assert_eq!(s.history, ["model:opus", "tier:free"]);
        let back = Saved::parse(&s.to_toml()).unwrap();
        assert_eq!(back.filters, s.filters);
        assert_eq!(back.history, s.history);
        for i in 0..HISTORY + 5 {
            s.remember(&format!("id:{i}"));
        }
        assert_eq!(s.history.len(), HISTORY);
        assert_eq!(s.history[0], "id:5");
        // A file without history, as older versions wrote, still reads.
        assert!(Saved::parse("[filters]\na = \"tier:free\"")
            .unwrap()
            .history
            .is_empty());
        assert!(Saved::parse("filters = 3").is_err());
        assert!(Saved::parse("[filters]\nx = 1")
            .unwrap_err()
            .contains("`x`"));
    }
}
