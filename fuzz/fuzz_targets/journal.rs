//! A journal from someone else: replayed in full and lean and pulled event by event;
//! the labels in force and the events must agree and nothing may panic.
#![no_main]

use afscope::model::journal::{EventReader, Keep, Replay};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let full = Replay::read_stream(data, Keep::All).unwrap();
    let lean = Replay::read_stream(data, Keep::Labels).unwrap();
    let mut reader = EventReader::new(data);
    let mut events = Vec::new();
    while let Some(item) = reader.next_event().unwrap() {
        if let Ok((_, e)) = item {
            events.push(e);
        }
    }
    assert_eq!(full.events, events);
    assert_eq!(full.unmatched_undos, lean.unmatched_undos);
    let want: Vec<_> = full.labels().into_iter().cloned().collect();
    assert_eq!(lean.into_labels().collect::<Vec<_>>(), want);
    for e in &full.events {
        // Every event afscope keeps writes back as a line it reads the same.
        let again = Replay::parse(&e.line());
        assert_eq!(again.events.len(), 1);
    }
});
