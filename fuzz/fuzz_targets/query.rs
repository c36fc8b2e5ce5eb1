//! Queries from the filter bar, saved filters, `-q` and journal sessions: parsed
//! with their depth limit, never a panic or a stack overflow.
#![no_main]

use afscope::query::Query;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = Query::parse(text) {
        let _ = e.pointed(text);
    }
    // Deep nesting built from the input's own bytes.
    let deep = format!("{}{text}{}", "(".repeat(5000), ")".repeat(5000));
    assert!(Query::parse(&deep).is_err());
});
