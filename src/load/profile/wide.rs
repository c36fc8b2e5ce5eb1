//! The transcripts inside a wide record: the keys the profile's `wide.keys` regex
//! accepts, with the tier and condition it reads from each.

use crate::load::profile::Profile;
use crate::load::record::raw::RawObj;
use crate::model::Tier;
use std::collections::HashMap;

/// One transcript inside a wide record: a condition key or tier column.
#[derive(Debug, Clone, PartialEq)]
pub struct WideKey {
    pub name: String,
    pub tier: Option<Tier>,
    pub condition: Option<String>,
}

/// What the profile's `wide.keys` regex made of keys met before (a wide file repeats
/// the same few keys in every record): a key's tier and condition, or `None` when the
/// regex refuses it.
#[derive(Debug, Default)]
pub struct WideKeyMemo(HashMap<String, Option<KeyRead>, foldhash::fast::RandomState>);

/// A key's tier and condition, as the regex reads them.
type KeyRead = (Option<Tier>, Option<String>);

/// Keys remembered at most: past that many, keys are read by the regex each time.
const MEMO_KEYS: usize = 4096;

/// The keys of a wide record that the profile's `wide.keys` regex accepts.
pub fn wide_keys(profile: &Profile, top: &RawObj<'_>) -> Option<Vec<WideKey>> {
    wide_keys_with(profile, top, &mut WideKeyMemo::default())
}

/// `wide_keys`, with what the regex made of keys met before kept in `memo`.
pub fn wide_keys_with(
    profile: &Profile,
    top: &RawObj<'_>,
    memo: &mut WideKeyMemo,
) -> Option<Vec<WideKey>> {
    let re = profile.wide_keys.as_ref()?;
    let mut owned = None;
    let map = keyed_object(profile, top, &mut owned)?;
    Some(
        map.entries
            .iter()
            .filter_map(|(k, _)| {
                let read = || {
                    re.captures(k).map(|c| {
                        (
                            c.name("tier").and_then(|t| profile.tier_of(t.as_str())),
                            c.name("condition").map(|m| m.as_str().to_string()),
                        )
                    })
                };
                let (tier, condition) = match memo.0.get(k.as_ref()) {
                    Some(known) => known.clone(),
                    None if memo.0.len() < MEMO_KEYS => {
                        let r = read();
                        memo.0.insert(k.to_string(), r.clone());
                        r
                    }
                    None => read(),
                }?;
                Some(WideKey {
                    name: k.to_string(),
                    tier,
                    condition,
                })
            })
            .collect(),
    )
}

/// Whether the record has a wide key (`None` as `wide_keys`): what detection asks,
/// without reading any key's tier and condition.
pub fn has_wide_keys(profile: &Profile, top: &RawObj<'_>) -> Option<bool> {
    let re = profile.wide_keys.as_ref()?;
    let mut owned = None;
    let map = keyed_object(profile, top, &mut owned)?;
    Some(map.entries.iter().any(|(k, _)| re.is_match(k)))
}

/// The object whose keys are the wide keys: the record, or its `wide_map` field.
fn keyed_object<'r, 'a>(
    profile: &Profile,
    top: &'r RawObj<'a>,
    owned: &'r mut Option<RawObj<'a>>,
) -> Option<&'r RawObj<'a>> {
    match &profile.wide_map {
        Some(p) => {
            *owned = Some(p.lookup(top, None).and_then(RawObj::parse)?);
            owned.as_ref()
        }
        None => Some(top),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_remembered_read_as_keys_read_each_time() {
        let profile = Profile::builtin("wide-conditions").unwrap();
        // Keys met again and again, then more distinct keys than are remembered.
        let records: Vec<String> = (0..60)
            .map(|n| {
                let keys: Vec<String> = (0..4)
                    .map(|k| format!("\"{}_Tier_c{}\":\"x\"", ["Free", "Paid"][k % 2], k / 2))
                    .chain((0..120).map(|k| format!("\"Free_Tier_u{n}_{k}\":\"x\"")))
                    .chain(["\"Other\":\"x\"".to_string()])
                    .collect();
                format!("{{\"id\":{n},\"results\":{{{}}}}}", keys.join(","))
            })
            .collect();
        let mut memo = WideKeyMemo::default();
        for r in &records {
            let top = RawObj::parse_record(r).unwrap();
            let fresh = wide_keys(&profile, &top).unwrap();
            assert_eq!(fresh.len(), 124);
            assert_eq!(wide_keys_with(&profile, &top, &mut memo).unwrap(), fresh);
        }
        assert_eq!(memo.0.len(), MEMO_KEYS);
    }
}
