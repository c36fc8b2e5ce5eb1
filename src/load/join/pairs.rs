//! Free/paid pairs: the transcripts of the same prompt and model on the two tiers,
//! matched by (model, condition, prompt index), or by identical user input (with the
//! tier tag masked) where there is no prompt index.

use crate::load::index::view::View;
use crate::model::Tier;
use rayon::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// Partners by entry.
#[derive(Debug, Default)]
pub struct Pairs {
    partner: HashMap<u32, u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum PromptKey {
    Index(u64),
    Text(u64),
}

/// The user turn without the tier tag's value, so both tiers' prompts compare equal.
fn prompt_hash(user: &str) -> u64 {
    let masked = crate::model::tier::mask_tier_tag(user);
    let mut h = DefaultHasher::new();
    masked.trim().hash(&mut h);
    h.finish()
}

/// The hash of the user turn straight from the stored record (its escapes decoded as
/// a full read decodes them); `None` when the record must be read in full.
fn raw_user_hash(view: &View<'_>, i: usize) -> Option<Option<u64>> {
    let text = view.record_text(i).ok()?;
    let top = crate::load::record::raw::RawObj::split_indexed(&text)?;
    let texts =
        crate::load::profile::extract::texts(&view.source(i).profile, &top, view.key(i)).ok()?;
    Some(texts.user.map(|u| prompt_hash(&u.decode())))
}

impl Pairs {
    pub fn build(view: View<'_>) -> Pairs {
        Pairs::build_with(view, &|_, _| {})
    }

    /// `build`, telling `progress` how many transcripts of how many are being keyed
    /// (once per few thousand).
    pub fn build_with(view: View<'_>, progress: &(dyn Fn(usize, usize) + Sync)) -> Pairs {
        const CHUNK: usize = 4096;
        let n = view.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let keys: Vec<Option<PromptKey>> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .flat_map_iter(|c| {
                let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                let d = done.fetch_add(range.len(), std::sync::atomic::Ordering::Relaxed);
                progress(d + range.len(), n);
                range
            })
            .map(|i| match view.entry(i).prompt_index() {
                Some(p) => Some(PromptKey::Index(p)),
                None => match raw_user_hash(&view, i) {
                    Some(h) => h.map(PromptKey::Text),
                    None => view
                        .transcript(i)
                        .ok()
                        .and_then(|t| t.user.map(|u| PromptKey::Text(prompt_hash(&u)))),
                },
            })
            .collect();
        // First transcript of each tier per (model, condition, prompt).
        let mut slots: HashMap<(u32, u32, PromptKey), [Option<u32>; 2]> = HashMap::new();
        for (i, key) in keys.into_iter().enumerate() {
            let e = view.entry(i);
            let tier = match e.tier() {
                Tier::Free => 0,
                Tier::Paid => 1,
                Tier::Unknown => continue,
            };
            if let Some(k) = key {
                let slot = &mut slots.entry((e.model, e.condition, k)).or_default()[tier];
                slot.get_or_insert(i as u32);
            }
        }
        let mut partner = HashMap::new();
        for [f, p] in slots.into_values() {
            if let (Some(f), Some(p)) = (f, p) {
                partner.insert(f, p);
                partner.insert(p, f);
            }
        }
        Pairs { partner }
    }

    /// The other tier's transcript of the same prompt and model.
    pub fn partner(&self, i: usize) -> Option<u32> {
        self.partner.get(&(i as u32)).copied()
    }

    pub fn len(&self) -> usize {
        self.partner.len() / 2
    }

    pub fn is_empty(&self) -> bool {
        self.partner.is_empty()
    }

    /// Whether the model complied on one tier and refused on the other (compliance at
    /// `threshold`); `None` when unpaired or a score is missing.
    pub fn discordant(&self, view: View<'_>, i: usize, threshold: f64) -> Option<bool> {
        let j = self.partner(i)? as usize;
        let a = view.entry(i).compliance()?;
        let b = view.entry(j).compliance()?;
        Some((a >= threshold) != (b >= threshold))
    }
}

/// A short, one-line preview of each transcript's user request (tags and the tier
/// tag removed), for finding transcripts by prompt text. Read from the user field as
/// stored where the layout has one, else from the full transcript.
pub fn prompt_previews(view: View<'_>) -> Vec<Box<str>> {
    (0..view.len())
        .into_par_iter()
        .map(|i| {
            let from_field = || -> Option<String> {
                let text = view.record_text(i).ok()?;
                let top = crate::load::record::raw::RawObj::split_indexed(&text)?;
                let src = view.source(i);
                let texts =
                    crate::load::profile::extract::texts(&src.profile, &top, view.key(i)).ok()?;
                Some(texts.user?.decode())
            };
            let user = from_field()
                .or_else(|| view.transcript(i).ok().and_then(|t| t.user))
                .unwrap_or_default();
            preview(&user)
        })
        .collect()
}

fn preview(user: &str) -> Box<str> {
    let body = match (user.find("<user_input>"), user.find("</user_input>")) {
        (Some(s), Some(e)) if e > s => &user[s + "<user_input>".len()..e],
        _ => user,
    };
    let body = crate::model::tier::mask_tier_tag(body);
    let mut out = String::with_capacity(100);
    for w in body.split_whitespace() {
        if out.chars().count() >= 96 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    crate::model::sanitize::visible(&out.chars().take(96).collect::<String>(), false).into()
}
