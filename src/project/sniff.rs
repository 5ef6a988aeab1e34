//! One pass over the head of a candidate file: everything the decision
//! needs, summed up, so that heads are not kept (a 20,000-file repository's
//! heads would be 320 MB).

use super::content::{self, NginxShape, PemShape, ZoneShape};
use super::names::NameSignal;
use super::record::{FileKind, TemplateStyle};
use super::template::{self, Syntax};
use crate::nginx::parser::ConfFile;

/// A file that loads others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LoaderKind {
    Dockerfile,
    Compose,
    Ansible,
    NamedConf,
    NsdConf,
    KnotConf,
    Octodns,
}

/// A provider export recognised by its format's own signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportShape {
    Route53,
    GoogleCloud,
    OctoDns,
    /// A registrar's or tool's zone-file export: GoDaddy's (`; Domain: x`
    /// and `; Exported ...` above the records), cli53's (`AWS ALIAS`).
    Registrar,
}

/// What a binary file named like a certificate holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Der {
    Certificate,
    Key,
    Other,
}

/// The template syntax of a file, outside comments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TemplateSign {
    pub style: TemplateStyle,
    /// The line of the first control tag (`{% if %}`), if any.
    pub control_line: Option<usize>,
    /// Every placeholder sits inside a quoted string.
    pub only_quoted: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Sniff {
    pub binary: bool,
    pub nginx: Option<NginxShape>,
    pub zone: Option<ZoneShape>,
    pub pem: PemShape,
    pub k8s_tls_secret: bool,
    pub template: Option<TemplateSign>,
    /// Signs of a format nginx does not read (Apache, INI), outside comments.
    pub foreign: Option<&'static str>,
    pub loader: Option<LoaderKind>,
    pub export: Option<ExportShape>,
    pub der: Option<Der>,
    /// An OpenSSH public key, `ssh-rsa AAAA…`.
    pub ssh_public_key: bool,
}

fn extension_is(path: &std::path::Path, list: &[&str]) -> bool {
    path.extension()
        .is_some_and(|e| list.iter().any(|l| e.eq_ignore_ascii_case(l)))
}

fn der_kind(bytes: &[u8]) -> Der {
    if bytes.first() != Some(&0x30) {
        return Der::Other;
    }
    if crate::tls::cert::Cert::from_der(bytes.to_vec()).is_ok() {
        return Der::Certificate;
    }
    let key = crate::tls::key::from_pkcs8(bytes).is_some()
        || crate::tls::key::from_pkcs1(bytes).is_some()
        || crate::tls::key::from_sec1(bytes, None).is_some();
    if key {
        Der::Key
    } else {
        Der::Other
    }
}

/// Sums up a file's head (`whole`: the head is the whole file), with the
/// file's nginx parse where its nginx shape was read from the whole file
/// as it is (no template placeholder masked): the parse the walk would
/// make of it. `force_nginx`: a file no name says is nginx is worked out
/// in full as nginx all the same (`--kind nginx`, or a loader putting it
/// where nginx reads: its role is read from its shape), not only as a
/// candidate.
pub fn sniff_and_parse(
    path: &std::path::Path,
    signal: &NameSignal,
    head: &[u8],
    whole: bool,
    force_nginx: bool,
) -> (Sniff, Option<ConfFile>) {
    let mut s = Sniff::default();
    if content::is_binary(head) {
        s.binary = true;
        if signal.kind == Some(FileKind::Tls) {
            // A DER object is read whole to tell a certificate from an OCSP
            // response; real ones are a few KB, and the head is 16 KB.
            s.der = Some(if whole { der_kind(head) } else { Der::Other });
        }
        return (s, None);
    }
    let yaml = extension_is(path, &["yaml", "yml"]);
    let json = extension_is(path, &["json"]);
    let syntax = match signal.kind {
        Some(FileKind::Zone) => Syntax::Zone,
        Some(FileKind::Nginx) => Syntax::Nginx,
        Some(FileKind::Tls) => Syntax::Hash,
        None if yaml || json => Syntax::Hash,
        None => Syntax::Nginx,
    };
    let named_template = signal.template_extension;
    let scan = template::scan(head, syntax, named_template);
    if let Some(style) = scan.style() {
        let control_line = scan
            .first_control()
            .map(|p| super::loaders::line_of(&String::from_utf8_lossy(head), p.start));
        s.template = Some(TemplateSign {
            style,
            control_line,
            only_quoted: scan.placeholders.iter().all(|p| p.quoted),
        });
    }
    let masked = template::mask(head, &scan);
    let mut parse = None;
    let comment = if syntax == Syntax::Zone { b';' } else { b'#' };
    let code = content::masked_code(&masked, comment);
    let code_text = String::from_utf8_lossy(&code);

    if yaml {
        s.k8s_tls_secret = content::is_k8s_tls_secret(&code);
        s.loader = if super::loaders::compose::looks_like_compose(&code_text) {
            Some(LoaderKind::Compose)
        } else if super::loaders::octodns::looks_like_config(&code_text) {
            Some(LoaderKind::Octodns)
        } else if super::loaders::ansible::looks_like_tasks(&code_text) {
            Some(LoaderKind::Ansible)
        } else {
            None
        };
        let text = String::from_utf8_lossy(head);
        if text.contains("dns#resourceRecordSet") {
            s.export = Some(ExportShape::GoogleCloud);
        } else if s.loader.is_none()
            && !s.k8s_tls_secret
            && crate::dns::export::looks_like_octodns(&text)
        {
            s.export = Some(ExportShape::OctoDns);
        }
    } else if json {
        let text = String::from_utf8_lossy(head);
        if text.trim_start().starts_with('{') && text.contains("\"ResourceRecordSets\"") {
            s.export = Some(ExportShape::Route53);
        }
    } else if super::names::is_dockerfile(path) {
        s.loader = Some(LoaderKind::Dockerfile);
    } else if signal.kind != Some(FileKind::Tls) && signal.kind != Some(FileKind::Zone) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        s.loader =
            if name.starts_with("knot") && super::loaders::knot::looks_like_knot_conf(&code_text) {
                Some(LoaderKind::KnotConf)
            } else if super::loaders::nsd::looks_like_nsd_conf(&code_text) {
                Some(LoaderKind::NsdConf)
            } else if super::loaders::bind::looks_like_named_conf(&code_text) {
                Some(LoaderKind::NamedConf)
            } else {
                None
            };
    }

    // A file named like an nginx one is decided by its nginx shape (and
    // the loaders above): what it holds as a zone or a certificate is
    // never asked, so it is not worked out (a corpus of 800 configurations
    // read each head as a zone too).
    let named_nginx = signal.kind == Some(FileKind::Nginx);
    if !named_nginx {
        s.pem = content::pem_shape(head);
        s.ssh_public_key = String::from_utf8_lossy(&head[..head.len().min(64)])
            .trim_start()
            .starts_with("ssh-");
    }
    if s.loader.is_none() && !yaml && !json {
        if signal.kind != Some(FileKind::Tls) && !named_nginx {
            s.zone = Some(content::zone_shape(&masked));
            let text = String::from_utf8_lossy(&head[..head.len().min(1024)]);
            let mut lines = text.lines().take(8);
            let registrar =
                lines.any(|l| l.starts_with("; Domain:")) && text.contains("; Exported");
            // cli53's Route 53 dialect: its alias records and routing notes.
            let whole = String::from_utf8_lossy(head);
            let cli53 = whole.contains(" AWS ALIAS ") || whole.contains("; AWS routing=");
            if (registrar || cli53) && s.zone.is_some_and(|z| z.records > 0) {
                s.export = Some(ExportShape::Registrar);
            }
        }
        let full = |masked: &[u8]| {
            let (shape, conf) = content::nginx_shape_and_parse(masked);
            (shape, Some(conf))
        };
        let shape_and_parse = match signal.kind {
            Some(FileKind::Nginx) => Some(full(&masked)),
            None if force_nginx => Some(full(&masked)),
            None => Some(content::candidate_nginx_shape(&masked, &code)),
            _ => None,
        };
        if let Some((shape, conf)) = shape_and_parse {
            s.nginx = Some(shape);
            s.foreign = content::foreign_to_nginx(&code);
            if whole && masked == head {
                parse = conf;
            }
        }
    }
    (s, parse)
}

/// Whether a head holds no statement at all (all comments and blanks), so
/// that a file with a long comment header is read further before deciding.
pub fn all_comments(head: &[u8], kind: Option<FileKind>) -> bool {
    let comment = if kind == Some(FileKind::Zone) {
        b';'
    } else {
        b'#'
    };
    content::masked_code(head, comment)
        .iter()
        .all(u8::is_ascii_whitespace)
}
