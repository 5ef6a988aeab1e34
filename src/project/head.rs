//! Reading a candidate file's head, the one look at its content that
//! deciding what it is takes; where the head is the whole file (up to
//! 16 KiB), that read is the file's only one: its text goes on with the
//! record to the reader that parses it.

use super::record::{FileKind, FileText};
use super::sniff::{self, Sniff};
use super::{content, names};
use std::io::Read;
use std::path::Path;

/// The head of a file inside the tree, whether it is the rest of the
/// file, and the whole file when the head is all of it (the text its
/// record carries to the reader: a small file is read once). A comment
/// header of any length is read past: its whole lines are dropped as they
/// come, so that what follows it is what is sniffed (a pull request must
/// not hide an nginx.conf behind a megabyte of `#`).
fn head(tree: &crate::tree::Tree, path: &Path, kind: Option<FileKind>) -> Option<Head> {
    if let Some(content) = tree.stdin_for(path) {
        let end = content.len().min(content::HEAD_BYTES);
        return Some(Head {
            bytes: content[..end].to_vec(),
            whole: end == content.len(),
            text: None,
        });
    }
    if let Some((real, text)) = tree.read_earlier(path) {
        let end = text.len().min(content::HEAD_BYTES);
        return Some(Head {
            bytes: text[..end].to_vec(),
            whole: end == text.len(),
            text: Some(FileText {
                real,
                bytes: text,
                parsed: None,
            }),
        });
    }
    let (real, file) = tree.open(path, "").ok()?;
    let mut reader = file.take(crate::tree::MAX_FILE_BYTES);
    let mut head = Vec::with_capacity(content::HEAD_BYTES);
    (&mut reader)
        .take(content::HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    let mut whole = head.len() < content::HEAD_BYTES;
    let text = whole.then(|| FileText {
        real,
        bytes: head.as_slice().into(),
        parsed: None,
    });
    while !whole && sniff::all_comments(&head, kind) {
        // The last line may go on in the next chunk: kept.
        let last_line = head.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        head.drain(..last_line);
        if head.len() >= content::MAX_SNIFF_BYTES {
            // One comment line of a megabyte: nothing to learn from it.
            break;
        }
        let before = head.len();
        (&mut reader)
            .take(content::HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .ok()?;
        whole = head.len() - before < content::HEAD_BYTES;
    }
    Some(Head {
        bytes: head,
        whole,
        text,
    })
}

/// What a file's head says, and its whole text when the head was all of it.
pub(super) type Sniffed = (Sniff, Option<FileText>);

/// What [`head`] read of a file.
struct Head {
    bytes: Vec<u8>,
    whole: bool,
    text: Option<FileText>,
}

/// What a file's head says (`None`: it cannot be read), remembered across
/// the runs of a long-running process while the file is unchanged; with
/// the whole file when the head was all of it.
pub(super) fn sniffed(
    tree: &crate::tree::Tree,
    path: &Path,
    signal: &names::NameSignal,
    force_nginx: bool,
) -> Option<Sniffed> {
    // A head sniffed as an nginx file's leaves out what only other kinds
    // ask, and one sniffed as a candidate leaves out what only an nginx
    // file's role asks: each remembered apart, for another spelling of the
    // same file or another `--kind`.
    let kind_of_sniff = match signal.kind {
        Some(FileKind::Nginx) => "project::sniff (nginx)",
        None if force_nginx => "project::sniff (in full)",
        _ => "project::sniff",
    };
    let key = tree.warm_key(path);
    if let Some(sniff) = key
        .as_ref()
        .and_then(|k| tree.remembered::<Sniff>(k, kind_of_sniff))
    {
        return Some((sniff, None));
    }
    let head = head(tree, path, signal.kind)?;
    let (sniff, parse) = sniff::sniff_and_parse(path, signal, &head.bytes, head.whole, force_nginx);
    if let Some(key) = &key {
        tree.remember(key, kind_of_sniff, sniff.clone());
    }
    // Only the text of a file that may be checked or loads others: the
    // rest of a repository's candidates are not kept; and the parse of
    // a file that may be nginx's, for the walk.
    let text = head.text.filter(|_| may_be_read_again(&sniff, signal));
    let nginx = signal.kind == Some(FileKind::Nginx) || sniff.nginx.is_some_and(|n| n.confirms());
    let text = text.map(|text| FileText {
        parsed: parse.filter(|_| nginx).map(std::sync::Arc::new),
        ..text
    });
    Some((sniff, text))
}

/// A file whose text a later stage may read: one named like a
/// configuration, zone or certificate, one whose content confirms one, an
/// export, or a loader. (Another is read again if it comes to be checked:
/// `--kind`, a loader naming it.)
fn may_be_read_again(sniff: &Sniff, signal: &names::NameSignal) -> bool {
    signal.kind.is_some()
        || sniff.loader.is_some()
        || sniff.nginx.is_some_and(|n| n.confirms())
        || sniff.zone.is_some_and(|z| z.confirms())
        || sniff.export.is_some()
        || sniff.der.is_some()
        || sniff.k8s_tls_secret
        || !sniff.pem.labels.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Tree;

    #[test]
    fn a_head_that_is_the_whole_file_is_its_text_and_a_longer_one_is_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tree = Tree::new(&[dir.path().to_path_buf()]);
        let small = dir.path().join("nginx.conf");
        let text = "events {}\nhttp { server { listen 80; } }\n";
        std::fs::write(&small, text).expect("write");
        let signal = names::signal(&small);
        let (sniff, read) = sniffed(&tree, &small, &signal, false).expect("sniffed");
        assert!(sniff.nginx.is_some());
        let read = read.expect("the whole file");
        assert_eq!(&*read.bytes, text.as_bytes());
        assert!(read.real.ends_with("nginx.conf"));

        // Past the 16 KiB head: the head is not the file, nothing is kept.
        let large = dir.path().join("big.conf");
        let body = "server { listen 80; }\n".repeat(1000);
        std::fs::write(&large, &body).expect("write");
        let (_, read) = sniffed(&tree, &large, &names::signal(&large), false).expect("sniffed");
        assert!(read.is_none());

        // A file nothing would read again (a script) is not kept either.
        let script = dir.path().join("build.py");
        std::fs::write(&script, "print('hello world')\n").expect("write");
        let (sniff, read) =
            sniffed(&tree, &script, &names::signal(&script), false).expect("sniffed");
        assert!(read.is_none(), "{sniff:?}");
    }

    #[test]
    fn a_small_file_is_opened_once_for_its_stub_check_and_its_head() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tree = Tree::new(&[dir.path().to_path_buf()]);
        let path = dir.path().join("a.zone");
        std::fs::write(&path, "$ORIGIN example.com.\n@ IN A 192.0.2.1\n").expect("write");
        assert!(matches!(tree.resolve(&path), crate::tree::Place::File(_)));
        // What resolving read is what the head is: the file, changed on disk
        // since, is not opened again in this run.
        std::fs::write(&path, "changed").expect("write");
        let (_, read) = sniffed(&tree, &path, &names::signal(&path), false).expect("sniffed");
        assert_eq!(
            &*read.expect("text").bytes,
            b"$ORIGIN example.com.\n@ IN A 192.0.2.1\n"
        );
    }
}
