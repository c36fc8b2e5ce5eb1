//! Tests of the strict check of JSON values: what it accepts and refuses, where it
//! says the error is, and its warnings.

use super::*;
use crate::load::record::jstring::next_special;

/// Scalars are checked without the containers' stacks exactly as the full check
/// checks them: the same end or error (at the same place) and the same warnings,
/// for strings, numbers and literals whole, cut short or misspelled.
#[test]
fn scalars_are_checked_as_the_full_check_checks_them() {
    let parts = [
        "\"a\"",
        "\"\\ud800\"",
        "\"\\ud83d\\ude00\"",
        "\"x",
        "\"\\q\"",
        "\"\u{1}\"",
        "-",
        "-0",
        "01",
        "1.5e",
        "2.5E-3",
        "true",
        "tru",
        "false",
        "null",
        "nul",
        " 1",
        "{}",
        "[1]",
        "x",
        "\"é\"",
        ",",
        "7",
    ];
    let mut rng = crate::synth::Rng::new(9);
    for _ in 0..20_000 {
        let n = 1 + rng.below(3);
        let text: String = (0..n).map(|_| *rng.pick(&parts)).collect();
        let (mut fast, mut full) = (Vec::new(), Vec::new());
        let got = value(&text, 0, "k", &mut fast);
        let want = value_inner::<false>(&text, 0, "k", &mut full, &mut Spelled::default())
            .map_err(|(at, eof, m)| if eof { (0, eof, m) } else { (at, eof, m) });
        assert_eq!(got, want, "{text}");
        let shown = |w: &[Warning]| -> Vec<(String, String)> {
            w.iter()
                .map(|w| (w.field.clone(), w.message.clone()))
                .collect()
        };
        assert_eq!(shown(&fast), shown(&full), "{text}");
    }
}

fn check(s: &str) -> Result<Vec<Warning>, Fail> {
    let mut w = Vec::new();
    let end = value(s, 0, "", &mut w)?;
    assert_eq!(skip_ws(s.as_bytes(), end), s.len(), "{s}");
    Ok(w)
}

#[test]
fn accepts_valid_json() {
    for ok in [
        r#"{"a":[1,2.5,-0,1e3,{"b":null}],"c":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","d":true,"e":false}"#,
        "[]",
        "{}",
        " [ { } , [ ] ] ",
        "\"\"",
        "0",
    ] {
        assert_eq!(check(ok), Ok(vec![]), "{ok}");
    }
}

#[test]
fn refuses_what_serde_json_refuses() {
    for bad in [
        r#"{"a":"\x41"}"#,
        "{\"a\":\"tab\there\"}",
        r#"{"a":tru}"#,
        r#"{"a":01}"#,
        r#"{"a":1.}"#,
        r#"{"a":[1,]}"#,
        r#"{"a":1,}"#,
        r#"{"a" 1}"#,
        r#"{"a":{"b":[1,2}}"#,
        r#"{"a":"\u12G4"}"#,
        r#"{"a":NaN}"#,
        r#"{1:2}"#,
    ] {
        assert!(check(bad).is_err(), "{bad}");
        assert!(
            serde_json::from_str::<serde::de::IgnoredAny>(bad).is_err(),
            "serde accepts {bad}"
        );
    }
    assert!(check(r#"{"a":[1,2"#).unwrap_err().1, "ends early");
    let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
    assert!(check(&deep).is_err());
    let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(check(&ok).is_ok());
}

#[test]
fn notes_duplicate_keys_and_lone_surrogates_with_their_path() {
    let w = check(r#"{"j":{"x":1,"f":2,"f":3},"v":[{"q":"a\ud800b"}],"j2":1}"#).unwrap();
    assert_eq!(
        w,
        vec![
            Warning {
                field: "j.f".into(),
                message: "duplicate key; the last value is used".into()
            },
            Warning {
                field: "v[0].q".into(),
                message: "lone surrogate in a \\u escape; decoded as U+FFFD".into()
            },
        ]
    );
    // Keys equal once decoded are the same key.
    let w = check(r#"{"a":1,"\u0061":2}"#).unwrap();
    assert_eq!(w.len(), 1);
    // Many keys switch to a set and still find the duplicate.
    let many: Vec<String> = (0..100).map(|i| format!("\"k{i}\":{i}")).collect();
    let s = format!("{{{},\"k7\":0}}", many.join(","));
    assert_eq!(check(&s).unwrap()[0].field, "k7");
}

#[test]
fn control_characters_are_found_at_any_offset() {
    for n in 0..70 {
        let s = format!("\"{}\u{1}\"", "a".repeat(n));
        assert_eq!(check(&s).unwrap_err().0, n + 1, "{n}");
        // And the closing quote and escapes at every offset (each vector width).
        let ok = format!("\"{}\\n{}\"", "a".repeat(n), "b".repeat(n % 37));
        assert_eq!(check(&ok), Ok(vec![]), "{n}");
    }
    let plain = "é€😀 ~\u{7f}".repeat(9);
    assert_eq!(next_special(plain.as_bytes()), None);
    for n in 0..70 {
        for c in [b'"', b'\\', 0, 0x1f] {
            let mut s = vec![b'a'; n];
            s.push(c);
            s.extend_from_slice(b"\"zz");
            assert_eq!(next_special(&s), Some(n), "{n} {c}");
        }
    }
}

#[test]
fn integers_in_every_spelling() {
    for (t, want) in [
        ("3", Some(3)),
        ("3.0", Some(3)),
        ("3e0", Some(3)),
        ("30e-1", Some(3)),
        ("0.3e1", Some(3)),
        ("-0", Some(0)),
        ("0.0", Some(0)),
        ("1E2", Some(100)),
        ("5000000000", Some(5_000_000_000)),
        ("18446744073709551615", Some(u64::MAX)),
        ("18446744073709551616", None),
        ("3.5", None),
        ("-1", None),
        ("1e400", None),
        ("1e-400", None),
        ("", None),
        ("abc", None),
        ("1.", Some(1)),
    ] {
        assert_eq!(exact_integer(t), want, "{t}");
    }
}
