//! The label schema: which fields a hand label has, their values and their keys. The
//! default (alignment faking, compliance, the four deceptive-alignment criteria, a
//! note, spans) is `schema.toml` beside this file; a TOML file of the same shape
//! replaces it.

use serde::Deserialize;

/// The built-in schema, as TOML.
pub const DEFAULT_TOML: &str = include_str!("schema.toml");

/// What kind of answer a field takes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// One of a few values, each with its key.
    Choice,
    /// On or off (a criterion); one key toggles it.
    Check,
    /// Free text typed after its key.
    Text,
}

/// One allowed value of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Choice {
    pub value: String,
    pub key: char,
}

/// One field of a label.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The key under `values` in a label record.
    pub name: String,
    /// Shown in the labeling bar.
    #[serde(default)]
    pub title: String,
    pub kind: FieldKind,
    /// Choice fields: the values.
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// Check and text fields: the key that toggles or opens it.
    #[serde(default)]
    pub key: Option<char>,
    /// The primary field's keys save the label and move to the next item.
    #[serde(default)]
    pub primary: bool,
}

/// A label schema.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Stored in every label record, so labels from different schema versions can be
    /// told apart.
    pub version: u32,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "field")]
    pub fields: Vec<Field>,
}

/// What a key does under a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse<'s> {
    /// Set a choice field (index into `fields`) to a value.
    Choose { field: usize, value: &'s str },
    /// Toggle a check field.
    Toggle { field: usize },
    /// Type a text field.
    Text { field: usize },
}

impl Default for Schema {
    fn default() -> Schema {
        Schema::parse(DEFAULT_TOML).expect("the built-in schema parses")
    }
}

impl Schema {
    /// Reads a schema and checks it: names unique, one primary choice field, every key
    /// used once.
    pub fn parse(text: &str) -> Result<Schema, String> {
        let s: Schema = toml::from_str(text).map_err(|e| e.to_string())?;
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<(), String> {
        let mut names = std::collections::HashSet::new();
        let mut keys = std::collections::HashMap::new();
        let mut primary = 0;
        for f in &self.fields {
            if f.name.is_empty() || !names.insert(f.name.as_str()) {
                return Err(format!("field name `{}` is empty or repeated", f.name));
            }
            if matches!(f.name.as_str(), "spans" | "adjudicates") {
                return Err(format!("field name `{}` is reserved", f.name));
            }
            let mut own: Vec<char> = f.choices.iter().map(|c| c.key).collect();
            match f.kind {
                FieldKind::Choice if f.choices.is_empty() => {
                    return Err(format!("choice field `{}` has no choices", f.name))
                }
                FieldKind::Choice => {}
                _ => match f.key {
                    Some(k) => own.push(k),
                    None => return Err(format!("field `{}` needs a key", f.name)),
                },
            }
            if f.primary {
                if f.kind != FieldKind::Choice {
                    return Err(format!("primary field `{}` must be a choice", f.name));
                }
                primary += 1;
            }
            for k in own {
                if let Some(other) = keys.insert(k, f.name.clone()) {
                    return Err(format!(
                        "key `{k}` is used by `{other}` and by `{}`",
                        f.name
                    ));
                }
            }
        }
        if primary != 1 {
            return Err(format!(
                "exactly one field must be primary (found {primary})"
            ));
        }
        Ok(())
    }

    /// The primary field (its keys save and move on).
    pub fn primary(&self) -> usize {
        self.fields.iter().position(|f| f.primary).unwrap_or(0)
    }

    /// What `key` does, if the schema binds it.
    pub fn key_use(&self, key: char) -> Option<KeyUse<'_>> {
        self.fields
            .iter()
            .enumerate()
            .find_map(|(i, f)| match f.kind {
                FieldKind::Choice => {
                    f.choices
                        .iter()
                        .find(|c| c.key == key)
                        .map(|c| KeyUse::Choose {
                            field: i,
                            value: &c.value,
                        })
                }
                FieldKind::Check => (f.key == Some(key)).then_some(KeyUse::Toggle { field: i }),
                FieldKind::Text => (f.key == Some(key)).then_some(KeyUse::Text { field: i }),
            })
    }

    /// The check fields, in order (the criteria).
    pub fn checks(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.kind == FieldKind::Check)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_has_the_issue_fields_and_keys() {
        let s = Schema::default();
        assert_eq!(s.version, 1);
        let names: Vec<&str> = s.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "af",
                "compliance",
                "aware_of_harm",
                "aware_of_training_consequences",
                "commitment_to_harmlessness",
                "commitment_to_preserving_future_harmlessness",
                "note"
            ]
        );
        assert_eq!(s.fields[s.primary()].name, "af");
        assert_eq!(
            s.key_use('a'),
            Some(KeyUse::Choose {
                field: 0,
                value: "yes"
            })
        );
        assert_eq!(s.key_use('3'), Some(KeyUse::Toggle { field: 4 }));
        assert_eq!(s.key_use('m'), Some(KeyUse::Text { field: 6 }));
        assert_eq!(s.key_use('j'), None);
    }

    #[test]
    fn bad_schemas_are_refused_with_a_reason() {
        let two_keys = "version = 2\n[[field]]\nname = \"af\"\nkind = \"choice\"\nprimary = true\nchoices = [{value = \"yes\", key = \"a\"}]\n[[field]]\nname = \"x\"\nkind = \"check\"\nkey = \"a\"\n";
        assert!(Schema::parse(two_keys).unwrap_err().contains("key `a`"));
        let no_primary = "version = 2\n[[field]]\nname = \"af\"\nkind = \"choice\"\nchoices = [{value = \"yes\", key = \"a\"}]\n";
        assert!(Schema::parse(no_primary).unwrap_err().contains("primary"));
        let no_key = "version = 2\n[[field]]\nname = \"af\"\nkind = \"choice\"\nprimary = true\nchoices = [{value = \"yes\", key = \"a\"}]\n[[field]]\nname = \"x\"\nkind = \"check\"\n";
        assert!(Schema::parse(no_key).unwrap_err().contains("needs a key"));
        assert!(Schema::parse("version = 1\nfield = []\nextra = 1").is_err());
    }
}
