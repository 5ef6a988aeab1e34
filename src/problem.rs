//! What a reader found wrong with its input, as data: where it is, what
//! kind of problem it is, and the words that say so. The nginx, DNS and TLS
//! readers return problems and name no rule; `rules::parse_problems` turns
//! each kind into a finding of the rule that owns it.

use crate::source::Span;

/// Problems a reader keeps per file; the rest are only counted, so that a
/// hostile file cannot make tripline hold a million messages.
pub const MAX_KEPT: usize = 1000;

/// One problem a reader met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: Kind,
    pub span: Span,
    pub message: String,
    /// Advice the reader knows better than the rule's general one (what
    /// nginx's message means here, where tripline looked for a file).
    pub help: Option<String>,
    /// Further problems like this one that were counted but not kept.
    pub hidden: usize,
}

impl Problem {
    pub fn new(kind: impl Into<Kind>, span: Span, message: impl Into<String>) -> Problem {
        Problem {
            kind: kind.into(),
            span,
            message: message.into(),
            help: None,
            hidden: 0,
        }
    }

    /// The same problem, with the reader's own advice.
    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

/// What went wrong, by the reader that met it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Nginx(Nginx),
    Dns(Dns),
    Tls(Tls),
}

/// Problems of reading an nginx configuration and walking its includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nginx {
    /// nginx would refuse to parse the file; `semicolon_at`: where a `;`
    /// would end the directive left unterminated.
    Syntax { semicolon_at: Option<usize> },
    /// An include names files that are not there (or not readable ones).
    IncludeNotFound,
    /// An include is not in the repository where tripline guesses nginx's
    /// prefix: it may well be on the server.
    IncludeNotInRepository,
    /// An include reaches outside the checked tree.
    IncludeOutsideTree,
    /// An include closes a cycle, nests too deep, or expands past what one
    /// configuration may read.
    IncludeLoop,
}

/// Problems of reading a zone file or a provider export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dns {
    /// A server would refuse to load the zone.
    Syntax,
    /// A relative name, and nothing says which zone it is relative to.
    OriginUnknown,
    /// A TTL above 2^31−1: servers load it, as 0.
    TtlAboveMaximum,
    /// No `$TTL` and no TTL on the record: the SOA minimum stands in.
    NoDefaultTtl,
    /// A record outside the zone's origin.
    OutOfZone,
}

/// Problems of reading certificates and keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls {
    /// A block or file that does not decode.
    Unreadable,
    /// Key material that decodes but cannot be checked (an encrypted key).
    Encrypted,
}

impl From<Nginx> for Kind {
    fn from(kind: Nginx) -> Kind {
        Kind::Nginx(kind)
    }
}

impl From<Dns> for Kind {
    fn from(kind: Dns) -> Kind {
        Kind::Dns(kind)
    }
}

impl From<Tls> for Kind {
    fn from(kind: Tls) -> Kind {
        Kind::Tls(kind)
    }
}

/// The first [`MAX_KEPT`] items pushed, and how many more were counted:
/// the one cap every reader's error list has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounded<T> {
    kept: Vec<T>,
    more: usize,
}

impl<T> Default for Bounded<T> {
    fn default() -> Self {
        Bounded {
            kept: Vec::new(),
            more: 0,
        }
    }
}

impl<T> Bounded<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps `item`, or only counts it once [`MAX_KEPT`] are kept.
    pub fn push(&mut self, item: T) {
        if self.is_full() {
            self.more += 1;
        } else {
            self.kept.push(item);
        }
    }

    /// Whether the next item pushed is only counted.
    pub fn is_full(&self) -> bool {
        self.kept.len() >= MAX_KEPT
    }

    /// Items counted but not kept.
    pub fn more(&self) -> usize {
        self.more
    }

    /// Items pushed, kept or not.
    pub fn total(&self) -> usize {
        self.kept.len() + self.more
    }

    /// The items kept, in the order pushed.
    pub fn into_vec(self) -> Vec<T> {
        self.kept
    }
}

impl<T> Extend<T> for Bounded<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

impl<T> From<Vec<T>> for Bounded<T> {
    /// At most [`MAX_KEPT`] of `items`, the rest counted.
    fn from(items: Vec<T>) -> Self {
        let mut bounded = Bounded::new();
        bounded.extend(items);
        bounded
    }
}

impl<T> std::ops::Deref for Bounded<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.kept
    }
}

impl<T> std::ops::DerefMut for Bounded<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.kept
    }
}

impl<'a, T> IntoIterator for &'a Bounded<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.kept.iter()
    }
}

impl<T> IntoIterator for Bounded<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.kept.into_iter()
    }
}

/// What one walk may read through includes, counting a file each time it
/// is read: files that include each other twice per level grow
/// exponentially, while a real configuration or zone reads a few files
/// once. Past either limit the walk reads no more and says so once.
#[derive(Clone, Debug)]
pub struct IncludeBudget {
    max_bytes: u64,
    max_files: usize,
    bytes: u64,
    files: usize,
    said: bool,
}

/// Whether one more included file fits its walk's [`IncludeBudget`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spend {
    Within,
    /// Past the budget: not read; `first` the first time, when the walk
    /// says so.
    Spent {
        first: bool,
    },
}

impl IncludeBudget {
    pub const fn new(max_bytes: u64, max_files: usize) -> Self {
        IncludeBudget {
            max_bytes,
            max_files,
            bytes: 0,
            files: 0,
            said: false,
        }
    }

    /// Counts one more file of `size` bytes (an empty one as 1).
    pub fn spend(&mut self, size: u64) -> Spend {
        self.bytes = self.bytes.saturating_add(size.max(1));
        self.files = self.files.saturating_add(1);
        if self.bytes <= self.max_bytes && self.files <= self.max_files {
            return Spend::Within;
        }
        let first = !self.said;
        self.said = true;
        Spend::Spent { first }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_budget_is_said_once() {
        let mut budget = IncludeBudget::new(10, 3);
        assert_eq!(budget.spend(4), Spend::Within);
        assert_eq!(budget.spend(0), Spend::Within, "an empty file counts as 1");
        assert_eq!(budget.spend(5), Spend::Within);
        assert_eq!(budget.spend(1), Spend::Spent { first: true });
        assert_eq!(budget.spend(1), Spend::Spent { first: false });
        let mut files = IncludeBudget::new(u64::MAX, 2);
        files.spend(1);
        files.spend(1);
        assert_eq!(files.spend(1), Spend::Spent { first: true });
    }

    #[test]
    fn keeps_the_first_and_counts_the_rest() {
        let mut errors = Bounded::new();
        errors.extend(0..MAX_KEPT + 5);
        assert_eq!(errors.len(), MAX_KEPT);
        assert_eq!(errors.more(), 5);
        assert_eq!(errors.total(), MAX_KEPT + 5);
        assert_eq!(errors.first(), Some(&0));
        assert_eq!(errors.last(), Some(&(MAX_KEPT - 1)));
        assert!(errors.is_full());
    }

    #[test]
    fn below_the_cap_nothing_is_counted() {
        let errors: Bounded<u8> = vec![1, 2, 3].into();
        assert_eq!(errors.more(), 0);
        assert!(!errors.is_full());
        assert_eq!(errors.into_vec(), vec![1, 2, 3]);
    }
}
