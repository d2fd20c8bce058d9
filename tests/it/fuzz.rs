//! A short run of the in-repository fuzzer (`examples/fuzz/`) over every reader, and every
//! input it ever found, kept as a regression test. The long run:
//!
//! ```sh
//! cargo run --release --example fuzz -- --inputs 1000000
//! ```

use std::time::{Duration, Instant};

use crate::fuzz_engine::{self, READERS, Reader};

#[test]
fn every_reader_survives_a_short_fuzz_run() {
    for reader in READERS {
        let deadline = Instant::now() + Duration::from_millis(700);
        let f = fuzz_engine::run(reader, 300, Some(deadline), 19, false, |_, _| {});
        assert!(f.inputs > 0, "{}: no input read", reader.name());
        assert!(
            f.panics.is_empty() && f.hangs.is_empty(),
            "{}: {:?} {:?}",
            reader.name(),
            f.panics.first().map(|p| (&p.1, &p.3, &p.2)),
            f.hangs.first().map(|h| (&h.1, h.3))
        );
    }
}

#[test]
fn mutations_change_their_seed_and_are_deterministic() {
    let seed = &fuzz_engine::seeds(Reader::Partial)[0];
    let a: Vec<String> = {
        let mut rng = fuzz_engine::Rng::new(3);
        (0..20).map(|_| fuzz_engine::mutate(&mut rng, seed)).collect()
    };
    let mut rng = fuzz_engine::Rng::new(3);
    let b: Vec<String> = (0..20).map(|_| fuzz_engine::mutate(&mut rng, seed)).collect();
    assert_eq!(a, b);
    assert!(a.iter().filter(|m| **m != seed.text).count() >= 15);
}

/// Every input the fuzzer found (`tests/fixtures/fuzz/found/`, named READER-…) is read
/// again by its reader, on a test thread's 2 MiB stack.
#[test]
fn found_inputs_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/found");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("the found inputs").flatten() {
        let name = entry.file_name().into_string().expect("a UTF-8 name");
        let reader = READERS
            .into_iter()
            .find(|r| name.starts_with(r.name()))
            .unwrap_or_else(|| panic!("{name}: no reader of that name"));
        let text = std::fs::read_to_string(entry.path()).expect("a UTF-8 input");
        fuzz_engine::read_one(reader, &name, &text);
        n += 1;
    }
    assert!(n > 0);
}
