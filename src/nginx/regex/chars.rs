//! Sets of characters, as a pattern's classes and literals match them
//! (ASCII, as nginx's PCRE reads `\w`, `\d` and `\s` without `(*UCP)`).

/// A set of characters: each ASCII one, and "some non-ASCII one".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Chars {
    pub(super) ascii: u128,
    pub(super) other: bool,
}

impl Chars {
    pub const NONE: Chars = Chars {
        ascii: 0,
        other: false,
    };
    pub const ALL: Chars = Chars {
        ascii: u128::MAX,
        other: true,
    };

    pub fn one(c: char) -> Chars {
        let mut set = Chars::NONE;
        set.add(c);
        set
    }

    pub(super) fn add(&mut self, c: char) {
        if c.is_ascii() {
            self.ascii |= 1u128 << (c as u32);
        } else {
            self.other = true;
        }
    }

    pub(super) fn add_range(&mut self, lo: u32, hi: u32) {
        for c in lo..=hi.min(127) {
            self.ascii |= 1u128 << c;
        }
        if hi > 127 {
            self.other = true;
        }
    }

    /// Every non-ASCII character.
    pub fn non_ascii() -> Chars {
        Chars {
            ascii: 0,
            other: true,
        }
    }

    /// The set without `c` (ASCII only).
    pub fn without(self, c: char) -> Chars {
        let mut set = self;
        if c.is_ascii() {
            set.ascii &= !(1u128 << (c as u32));
        }
        set
    }

    pub fn contains(&self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii & (1u128 << (c as u32)) != 0
        } else {
            self.other
        }
    }

    pub fn union(self, other: Chars) -> Chars {
        Chars {
            ascii: self.ascii | other.ascii,
            other: self.other || other.other,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ascii == 0 && !self.other
    }

    /// Exactly the one character `c`.
    pub fn is_only(&self, c: char) -> bool {
        !self.other && c.is_ascii() && self.ascii == 1u128 << (c as u32)
    }

    /// A character of the set to write into a sample: `preferred` if the
    /// set has it, else a letter, digit or other printable one.
    pub fn pick(&self, preferred: char) -> Option<char> {
        if self.contains(preferred) {
            return Some(preferred);
        }
        let printable = ('a'..='z').chain('0'..='9').chain('A'..='Z').chain(
            (0x21u8..0x7f)
                .map(char::from)
                .filter(|c| !c.is_ascii_alphanumeric()),
        );
        printable.chain([' ']).find(|&c| self.contains(c))
    }
}

/// What a character class or escape matches, read in ASCII mode.
pub(super) fn class_chars(inner: &str, casei: bool) -> Chars {
    use regex_syntax::hir::{Class, HirKind};
    let ascii = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .case_insensitive(casei)
        .build()
        .parse(inner);
    let hir = match ascii {
        Ok(hir) => hir,
        // `\p{L}` and the like need Unicode mode.
        Err(_) => match regex_syntax::ParserBuilder::new()
            .case_insensitive(casei)
            .build()
            .parse(inner)
        {
            Ok(hir) => hir,
            Err(_) => return Chars::ALL,
        },
    };
    let mut set = Chars::NONE;
    match hir.kind() {
        HirKind::Class(Class::Bytes(bytes)) => {
            for r in bytes.iter() {
                set.add_range(u32::from(r.start()), u32::from(r.end()));
            }
        }
        HirKind::Class(Class::Unicode(chars)) => {
            for r in chars.iter() {
                set.add_range(r.start() as u32, r.end() as u32);
            }
        }
        HirKind::Literal(lit) => {
            for &b in lit.0.iter() {
                set.add_range(u32::from(b), u32::from(b));
            }
        }
        _ => return Chars::ALL,
    }
    set
}
