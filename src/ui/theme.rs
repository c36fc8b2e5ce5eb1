//! Themes: a style for each semantic role, read from TOML (`themes/*.toml` are built in).

use crate::app::role::Role;
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::HashMap;

/// The built-in themes.
pub const BUILTIN: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// Interface roles that are not text roles.
pub const UI_ROLES: [&str; 12] = [
    "selection",
    "chart_curve",
    "chart_curve_2",
    "chart_interval",
    "header",
    "border",
    "border_focus",
    "title",
    "status",
    "status_key",
    "error",
    "input",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    roles: HashMap<String, StyleSpec>,
}

/// Styles by role name.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    styles: HashMap<String, Style>,
}

fn color(s: &str) -> Result<Color, String> {
    if let Some(hex) = s.strip_prefix('#') {
        let v = u32::from_str_radix(hex, 16).map_err(|_| format!("bad colour `{s}`"))?;
        return Ok(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    if let Ok(i) = s.parse::<u8>() {
        return Ok(Color::Indexed(i));
    }
    s.parse::<Color>()
        .map_err(|_| format!("unknown colour `{s}`"))
}

fn modifier(s: &str) -> Result<Modifier, String> {
    Ok(match s {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" | "underline" => Modifier::UNDERLINED,
        "reversed" | "reverse" => Modifier::REVERSED,
        "crossed_out" => Modifier::CROSSED_OUT,
        other => return Err(format!("unknown modifier `{other}`")),
    })
}

impl Theme {
    /// Parses a theme; unknown roles and bad values are errors naming the role.
    pub fn parse(text: &str) -> Result<Theme, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let known = |r: &str| Role::ALL.iter().any(|x| x.name() == r) || UI_ROLES.contains(&r);
        let mut styles = HashMap::new();
        for (role, spec) in file.roles {
            if !known(&role) {
                return Err(format!("unknown role `{role}`"));
            }
            let mut st = Style::default();
            if let Some(fg) = &spec.fg {
                st = st.fg(color(fg).map_err(|e| format!("{role}: {e}"))?);
            }
            if let Some(bg) = &spec.bg {
                st = st.bg(color(bg).map_err(|e| format!("{role}: {e}"))?);
            }
            for m in &spec.modifiers {
                st = st.add_modifier(modifier(m).map_err(|e| format!("{role}: {e}"))?);
            }
            styles.insert(role, st);
        }
        Ok(Theme {
            name: file.name,
            styles,
        })
    }

    pub fn builtin(name: &str) -> Option<Theme> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| Theme::parse(t).expect("built-in themes parse"))
    }

    /// A built-in name or a TOML file.
    pub fn load(name_or_path: &str) -> Result<Theme, String> {
        if let Some(t) = Theme::builtin(name_or_path) {
            return Ok(t);
        }
        let text = std::fs::read_to_string(name_or_path).map_err(|e| {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            format!(
                "theme {name_or_path}: not a built-in theme ({}) and {e}",
                names.join(", ")
            )
        })?;
        Theme::parse(&text).map_err(|e| format!("theme {name_or_path}: {e}"))
    }

    pub fn get(&self, role: &str) -> Style {
        self.styles.get(role).copied().unwrap_or_default()
    }

    pub fn role(&self, role: Role) -> Style {
        self.get(role.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_define_every_role() {
        for (name, _) in BUILTIN {
            let t = Theme::builtin(name).unwrap();
            for r in Role::ALL {
                assert!(t.styles.contains_key(r.name()), "{name} lacks {}", r.name());
            }
            for r in UI_ROLES {
                assert!(t.styles.contains_key(r), "{name} lacks {r}");
            }
        }
    }

    #[test]
    fn mono_uses_no_colour_only_bold_underline_reverse() {
        let t = Theme::builtin("mono").unwrap();
        let allowed = Modifier::BOLD | Modifier::UNDERLINED | Modifier::REVERSED;
        assert!(t
            .styles
            .values()
            .all(|s| s.fg.is_none() && s.bg.is_none() && allowed.contains(s.add_modifier)));
        // Evidence of each criterion, offsets and human spans stay apart from each other
        // and from a search match.
        let roles = [
            Role::HlCriterion1,
            Role::HlCriterion2,
            Role::HlCriterion3,
            Role::HlCriterion4,
            Role::HlOffsets,
            Role::HlHuman,
            Role::Match,
        ];
        for (i, a) in roles.iter().enumerate() {
            for b in &roles[i + 1..] {
                assert_ne!(t.role(*a), t.role(*b), "{} and {}", a.name(), b.name());
            }
        }
    }

    #[test]
    fn colour_themes_use_only_the_16_named_colours() {
        for name in ["dark", "light", "high-contrast"] {
            let t = Theme::builtin(name).unwrap();
            for s in t.styles.values() {
                for c in [s.fg, s.bg].into_iter().flatten() {
                    assert!(
                        !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                        "{name}: {c:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn errors_name_the_role() {
        let e =
            Theme::parse("name = \"x\"\n[roles]\nmatch = { fg = \"chartreuse\" }\n").unwrap_err();
        assert!(e.contains("match") && e.contains("chartreuse"), "{e}");
        let e = Theme::parse("name = \"x\"\n[roles]\nsparkle = {}\n").unwrap_err();
        assert!(e.contains("sparkle"), "{e}");
    }
}
