//! Named filters the user saved, and their file format (`[filters] name = "query"`).

use std::collections::BTreeMap;

/// The saved filters and the picker's cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saved {
    pub filters: BTreeMap<String, String>,
    pub cursor: usize,
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
        Ok(Saved { filters, cursor: 0 })
    }

    pub fn to_toml(&self) -> String {
        let mut table = toml::Table::new();
        let filters: toml::Table = self
            .filters
            .iter()
            .map(|(k, v)| (k.clone(), toml::Value::String(v.clone())))
            .collect();
        table.insert("filters".into(), toml::Value::Table(filters));
        format!(
            "# afscope saved filters: name = \"query\"\n{}",
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
        let back = Saved::parse(&s.to_toml()).unwrap();
        assert_eq!(back.filters, s.filters);
        assert!(Saved::parse("filters = 3").is_err());
        assert!(Saved::parse("[filters]\nx = 1")
            .unwrap_err()
            .contains("`x`"));
    }
}
