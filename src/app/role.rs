//! Semantic styles: what a piece of text is. Themes map each role to colours.

/// What a piece of the screen is; a theme gives each role its look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Text,
    Dim,
    HeadingSystem,
    HeadingUser,
    HeadingScratchpad,
    HeadingDraft,
    HeadingOutput,
    HeadingOutside,
    HeadingSection,
    Scratchpad,
    Draft,
    Output,
    Placeholder,
    Match,
    MatchCurrent,
    TierFree,
    TierPaid,
    TierUnknown,
    Warning,
    Failed,
    ScoreHigh,
    ScoreLow,
    /// Evidence for a verdict's criteria (cycling by criterion number).
    HlCriterion1,
    HlCriterion2,
    HlCriterion3,
    HlCriterion4,
    /// A span given as explicit offsets.
    HlOffsets,
    /// A span a person marked.
    HlHuman,
    /// A lexicon cue.
    HlLexicon,
    /// The span being selected for a label.
    HlSelection,
}

impl Role {
    pub const ALL: [Role; 30] = [
        Role::Text,
        Role::Dim,
        Role::HeadingSystem,
        Role::HeadingUser,
        Role::HeadingScratchpad,
        Role::HeadingDraft,
        Role::HeadingOutput,
        Role::HeadingOutside,
        Role::HeadingSection,
        Role::Scratchpad,
        Role::Draft,
        Role::Output,
        Role::Placeholder,
        Role::Match,
        Role::MatchCurrent,
        Role::TierFree,
        Role::TierPaid,
        Role::TierUnknown,
        Role::Warning,
        Role::Failed,
        Role::ScoreHigh,
        Role::ScoreLow,
        Role::HlCriterion1,
        Role::HlCriterion2,
        Role::HlCriterion3,
        Role::HlCriterion4,
        Role::HlOffsets,
        Role::HlHuman,
        Role::HlLexicon,
        Role::HlSelection,
    ];

    /// The theme file's key for this role.
    pub fn name(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Dim => "dim",
            Role::HeadingSystem => "heading_system",
            Role::HeadingUser => "heading_user",
            Role::HeadingScratchpad => "heading_scratchpad",
            Role::HeadingDraft => "heading_draft",
            Role::HeadingOutput => "heading_output",
            Role::HeadingOutside => "heading_outside",
            Role::HeadingSection => "heading_section",
            Role::Scratchpad => "scratchpad",
            Role::Draft => "draft",
            Role::Output => "output",
            Role::Placeholder => "placeholder",
            Role::Match => "match",
            Role::MatchCurrent => "match_current",
            Role::TierFree => "tier_free",
            Role::TierPaid => "tier_paid",
            Role::TierUnknown => "tier_unknown",
            Role::Warning => "warning",
            Role::Failed => "failed",
            Role::ScoreHigh => "score_high",
            Role::ScoreLow => "score_low",
            Role::HlCriterion1 => "hl_criterion_1",
            Role::HlCriterion2 => "hl_criterion_2",
            Role::HlCriterion3 => "hl_criterion_3",
            Role::HlCriterion4 => "hl_criterion_4",
            Role::HlOffsets => "hl_offsets",
            Role::HlHuman => "hl_human",
            Role::HlLexicon => "hl_lexicon",
            Role::HlSelection => "hl_selection",
        }
    }

    /// The evidence role of criterion `i` (0-based), cycling through four.
    pub fn criterion(i: usize) -> Role {
        [
            Role::HlCriterion1,
            Role::HlCriterion2,
            Role::HlCriterion3,
            Role::HlCriterion4,
        ][i % 4]
    }

    pub fn tier(t: crate::model::Tier) -> Role {
        match t {
            crate::model::Tier::Free => Role::TierFree,
            crate::model::Tier::Paid => Role::TierPaid,
            crate::model::Tier::Unknown => Role::TierUnknown,
        }
    }
}
