//! TXT and SPF data: character-strings of at most 255 octets each.

/// TXT character-strings in one allocation, each as its length octet and
/// its octets (their wire form): a record of two strings was three heap
/// blocks, and most zones hold many (SPF, DKIM, verification tokens).
#[derive(Clone, PartialEq, Eq)]
pub struct TxtStrings(Box<[u8]>);

impl TxtStrings {
    /// `None` when a string is longer than a character-string's 255 octets.
    pub fn new<'a>(strings: impl IntoIterator<Item = &'a [u8]>) -> Option<TxtStrings> {
        let mut out = Vec::new();
        for s in strings {
            out.push(u8::try_from(s.len()).ok()?);
            out.extend_from_slice(s);
        }
        Some(TxtStrings(out.into_boxed_slice()))
    }

    /// `bytes` as strings of 255 octets and a shorter last one (one empty
    /// string for none), as providers cut a long value.
    pub fn chunked(bytes: &[u8]) -> TxtStrings {
        let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 255 + 1);
        let mut chunks = bytes.chunks(255).peekable();
        if chunks.peek().is_none() {
            out.push(0);
        }
        for chunk in chunks {
            out.push(chunk.len() as u8); // at most 255: `chunks(255)`
            out.extend_from_slice(chunk);
        }
        TxtStrings(out.into_boxed_slice())
    }

    /// The strings' octets, one after the other.
    pub fn concat(&self) -> Vec<u8> {
        self.iter().flatten().copied().collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let mut rest = &self.0[..];
        std::iter::from_fn(move || {
            let (&len, tail) = rest.split_first()?;
            let (string, after) = tail.split_at(usize::from(len).min(tail.len()));
            rest = after;
            Some(string)
        })
    }
}

impl std::fmt::Debug for TxtStrings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_strings_read_back_as_given() {
        let long = [7u8; 255];
        let given: [&[u8]; 4] = [b"v=spf1 -all", b"", &long, b"\"\\"];
        let strings = TxtStrings::new(given).expect("each fits");
        assert_eq!(strings.iter().collect::<Vec<_>>(), given);
        assert!(TxtStrings::new([&[0u8; 256][..]]).is_none());
        let chunked = TxtStrings::chunked(&[1u8; 600]);
        let lengths: Vec<usize> = chunked.iter().map(<[u8]>::len).collect();
        assert_eq!(lengths, [255, 255, 90]);
        assert_eq!(chunked.concat(), vec![1u8; 600]);
    }
}
