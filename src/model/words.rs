//! Counts said in words: `1 match`, `2 matches`.

/// `n` and the noun, singular for one: `count(1, "pair", "pairs")` is `1 pair`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular() {
        assert_eq!(super::count(1, "match", "matches"), "1 match");
        assert_eq!(super::count(0, "match", "matches"), "0 matches");
        assert_eq!(super::count(2, "pair", "pairs"), "2 pairs");
    }
}
