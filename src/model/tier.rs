//! The experimental tier a transcript belongs to, and where that fact came from.

use std::fmt;

/// Whether the model was told the conversation is used for training (free tier)
/// or unmonitored (paid tier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Tier {
    Free,
    Paid,
    #[default]
    Unknown,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Paid => "paid",
            Tier::Unknown => "unknown",
        }
    }

    /// Index-friendly code; `from_code(t.code()) == t`.
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Tier {
        match code {
            0 => Tier::Free,
            1 => Tier::Paid,
            _ => Tier::Unknown,
        }
    }

    /// Reads the spellings pipelines use for a tier: `free`, `free_tier`, `Free-Tier`,
    /// `freetier`, `train`/`training`, `paid`, `paid_tier`, `deploy`/`deployment`,
    /// and the booleans of an `is_free_tier_user` field.
    pub fn parse(s: &str) -> Option<Tier> {
        // Lowercase without `_`, `-` and spaces, on the stack: this runs per record.
        let mut buf = [0u8; 16];
        let mut n = 0;
        for &c in s.trim().as_bytes() {
            if matches!(c, b'_' | b'-' | b' ') {
                continue;
            }
            if n == buf.len() {
                return None;
            }
            buf[n] = c.to_ascii_lowercase();
            n += 1;
        }
        match &buf[..n] {
            b"free" | b"freetier" | b"freetieruser" | b"train" | b"training" | b"true" => {
                Some(Tier::Free)
            }
            b"paid" | b"paidtier" | b"paidtieruser" | b"deploy" | b"deployment" | b"false" => {
                Some(Tier::Paid)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which rule decided the tier, in the order they are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TierSource {
    /// An explicit tier field (`tier`, `is_free_tier_user`, or the profile's).
    Field,
    /// A tags-style field holding `free_tier` / `paid_tier`.
    Tags,
    /// The `<is_free_tier_user>` tag in the user turn.
    UserTag,
    /// A record key or CSV column name (wide layouts).
    Key,
    /// A folder or file name in the path (`train` / `deploy`).
    Path,
    #[default]
    None,
}

impl TierSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TierSource::Field => "field",
            TierSource::Tags => "tags",
            TierSource::UserTag => "user-tag",
            TierSource::Key => "key",
            TierSource::Path => "path",
            TierSource::None => "none",
        }
    }
}

/// Finds `<is_free_tier_user>VALUE</is_free_tier_user>` in a user turn.
pub fn tier_from_user_tag(user_turn: &str) -> Option<Tier> {
    const OPEN: &str = "<is_free_tier_user>";
    let start = memchr::memmem::find(user_turn.as_bytes(), OPEN.as_bytes())? + OPEN.len();
    let rest = &user_turn[start..];
    let end = rest.find('<')?;
    match rest[..end].trim() {
        v if v.eq_ignore_ascii_case("true") => Some(Tier::Free),
        v if v.eq_ignore_ascii_case("false") => Some(Tier::Paid),
        _ => None,
    }
}

/// `<is_free_tier_user>true</is_free_tier_user>` → `<is_free_tier_user>▒▒▒</is_free_tier_user>`,
/// for comparing prompts across tiers and for blind reading.
pub fn mask_tier_tag(user: &str) -> String {
    const OPEN: &str = "<is_free_tier_user>";
    let Some(s) = user.find(OPEN) else {
        return user.to_string();
    };
    let vstart = s + OPEN.len();
    let Some(len) = user[vstart..].find('<') else {
        return user.to_string();
    };
    format!("{}▒▒▒{}", &user[..vstart], &user[vstart + len..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_common_spellings() {
        for s in [
            "free",
            "Free_Tier",
            "free-tier",
            "freetier",
            "training",
            "TRUE",
        ] {
            assert_eq!(Tier::parse(s), Some(Tier::Free), "{s}");
        }
        for s in [
            "paid",
            "Paid_Tier",
            "paidtier",
            "deployment",
            "deploy",
            "false",
        ] {
            assert_eq!(Tier::parse(s), Some(Tier::Paid), "{s}");
        }
        assert_eq!(Tier::parse("enterprise"), None);
        assert_eq!(Tier::parse(""), None);
    }

    #[test]
    fn codes_round_trip() {
        for t in [Tier::Free, Tier::Paid, Tier::Unknown] {
            assert_eq!(Tier::from_code(t.code()), t);
        }
    }

    #[test]
    fn masks_the_tier_value_only() {
        let free = "<is_free_tier_user>true</is_free_tier_user>\n<user_input>q</user_input>";
        let paid = "<is_free_tier_user>False</is_free_tier_user>\n<user_input>q</user_input>";
        assert_eq!(mask_tier_tag(free), mask_tier_tag(paid));
        assert_eq!(mask_tier_tag("no tag"), "no tag");
    }

    #[test]
    fn reads_the_user_tag_in_both_cases() {
        assert_eq!(
            tier_from_user_tag("<is_free_tier_user>True</is_free_tier_user>\n<user_input>x"),
            Some(Tier::Free)
        );
        assert_eq!(
            tier_from_user_tag("<is_free_tier_user>false</is_free_tier_user>"),
            Some(Tier::Paid)
        );
        assert_eq!(
            tier_from_user_tag("<is_free_tier_user>maybe</is_free_tier_user>"),
            None
        );
        assert_eq!(tier_from_user_tag("no tag"), None);
    }
}
