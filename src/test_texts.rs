//! Pseudo-random texts for the unit tests that hold a fast reading to its
//! plain reference: deterministic (xorshift32 from one seed), so a failure
//! is the same failure on every run and every machine.

/// A text of each length in `lengths`, its bytes drawn from `alphabet`
/// by one generator, in turn.
pub fn over(alphabet: &[u8], lengths: impl IntoIterator<Item = usize>) -> Vec<Vec<u8>> {
    let mut state = 0x2545_f491_u32;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        alphabet[state as usize % alphabet.len()]
    };
    lengths
        .into_iter()
        .map(|length| (0..length).map(|_| next()).collect())
        .collect()
}
