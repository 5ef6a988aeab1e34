//! The decision for one file from its name and its content, before any
//! loader is consulted: checked (in which role, how surely), skipped with a
//! reason the user hears, or not infrastructure at all. Names and places
//! lead; content confirms, or shows another format; content alone never
//! makes a file checked with errors.

use super::content::NginxShape;
use super::names::{NameSignal, Strength};
use super::record::{Confidence, FileKind, Role, SkipReason, TemplateStyle};
use super::sniff::{Der, ExportShape, Sniff};
use std::path::Path;

#[derive(Clone, Debug)]
pub enum Decision {
    Check {
        role: Role,
        confidence: Confidence,
        why: String,
        template: Option<TemplateStyle>,
    },
    Skip(SkipReason),
    /// Not infrastructure, and not a look-alike worth a word.
    NotInfra,
}

fn check(role: Role, confidence: Confidence, why: impl Into<String>) -> Decision {
    Decision::Check {
        role,
        confidence,
        why: why.into(),
        template: None,
    }
}

fn skip(code: &'static str, detail: impl Into<String>) -> Decision {
    Decision::Skip(SkipReason::new(code, detail))
}

/// The role an nginx text's top level suggests, where no place says it.
pub fn nginx_role_from_content(shape: &NginxShape, path: &Path) -> Role {
    let in_stream_folder = path.parent().is_some_and(|d| {
        d.components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with("stream"))
    });
    if shape.modules_only {
        Role::NginxMainFragment
    } else if shape.main_level {
        Role::NginxMain
    } else if shape.http_level || shape.types_block {
        if in_stream_folder {
            Role::NginxStream
        } else {
            Role::NginxHttp
        }
    } else if shape.server_level {
        Role::NginxServer
    } else {
        Role::NginxSnippet
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A template whose structure depends on control tags cannot be checked
/// as it is.
fn control_skip(sniff: &Sniff, what: &str) -> Option<Decision> {
    let t = sniff.template?;
    let line = t.control_line?;
    Some(skip(
        "template",
        format!(
            "a {} template of {what} with control tags (line {line}): its structure is known only once rendered; check the rendered output",
            t.style.as_str()
        ),
    ))
}

fn with_template(decision: Decision, sniff: &Sniff) -> Decision {
    match decision {
        Decision::Check {
            role,
            confidence,
            why,
            ..
        } => Decision::Check {
            role,
            confidence,
            why,
            template: sniff.template.map(|t| t.style),
        },
        other => other,
    }
}

/// Decides from the name and the content alone.
pub fn decide(path: &Path, signal: &NameSignal, sniff: &Sniff) -> Decision {
    // A PKCS#12 bundle is certificate material nginx cannot load: named,
    // so a reviewer sees it was looked at.
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("p12") || e.eq_ignore_ascii_case("pfx"))
    {
        return skip(
            "other-format",
            "a PKCS#12 bundle (.p12/.pfx): nginx loads PEM certificates and keys, not these (`openssl pkcs12 -in FILE -nodes` exports them)",
        );
    }
    if sniff.binary {
        return binary(signal, sniff);
    }
    // A Dockerfile, compose file or server configuration loads others; it
    // is none of the files tripline checks.
    if sniff.loader.is_some() {
        return Decision::NotInfra;
    }
    let decision = match signal.kind {
        Some(FileKind::Nginx) => nginx(path, signal, sniff),
        Some(FileKind::Zone) => zone(path, signal, sniff),
        Some(FileKind::Tls) => tls(signal, sniff),
        None => content_only(path, sniff),
    };
    let decision = with_template(decision, sniff);
    // An example is what a server loads once it is copied into place,
    // never as it stands: checked, but not with errors.
    match decision {
        Decision::Check {
            role,
            why,
            template,
            ..
        } if signal.example => Decision::Check {
            role,
            confidence: Confidence::Unsure,
            why: format!("{why}; an example or backup copy (nothing loads it under this name)"),
            template,
        },
        other => other,
    }
}

fn binary(signal: &NameSignal, sniff: &Sniff) -> Decision {
    match (signal.kind, sniff.der) {
        (Some(FileKind::Tls), Some(Der::Certificate)) => {
            check(Role::CertificateFile, Confidence::Placed, "a DER certificate")
        }
        (Some(FileKind::Tls), Some(Der::Key)) => {
            check(Role::PrivateKey, Confidence::Placed, "a DER private key")
        }
        (Some(FileKind::Tls), _) => skip(
            "not-a-certificate",
            "binary data that is neither a DER certificate nor a private key (an OCSP response, a session ticket key, a PKCS#12 bundle?)",
        ),
        (Some(kind), _) => skip(
            "binary",
            format!("binary content: not a text {} file", kind.as_str()),
        ),
        (None, _) => Decision::NotInfra,
    }
}

fn nginx(path: &Path, signal: &NameSignal, sniff: &Sniff) -> Decision {
    if let Some(d) = control_skip(sniff, "an nginx configuration") {
        return d;
    }
    let shape = sniff.nginx.unwrap_or_default();
    let strong = signal.strength == Strength::Strong;
    let name = file_name(path);
    if !strong {
        if let Some(foreign) = sniff.foreign {
            return skip("other-format", format!("{foreign}, not nginx"));
        }
    }
    // An empty file in an nginx folder holds nothing to check, and an
    // empty file merely named like one (an s6 service named `nginx`) is not one.
    if shape.statements == 0 && shape.commented_directives > 0 {
        return skip(
            "no-directives",
            "every directive in it is commented out: nothing for nginx to read",
        );
    }
    if !strong && shape.statements == 0 {
        return Decision::NotInfra;
    }
    let confirmed = strong || shape.confirms();
    if !confirmed {
        return skip(
            "not-nginx",
            format!(
                "placed like an nginx configuration, but {} of its {} statements are nginx directives",
                shape.known, shape.statements
            ),
        );
    }
    let from_folder = super::names::nginx_place_role(path).is_some();
    let (role, place) = match signal.role {
        // What a folder says stands (a `conf.d` file is read inside http);
        // what a name like `fastcgi.conf` suggests yields to a whole
        // configuration's content.
        // A snippets folder says a file is included, not where: one that
        // holds main-only directives (`load_module`, `worker_processes`)
        // is included at the top of nginx.conf.
        Some(Role::NginxSnippet)
            if (shape.main_level || shape.modules_only)
                && !shape.http_level
                && !shape.server_level =>
        {
            (Role::NginxMainFragment, "its content")
        }
        Some(role) if from_folder || !shape.main_level => (
            role,
            if from_folder {
                "its folder"
            } else {
                "its name"
            },
        ),
        // A file named nginx.conf that holds only server blocks is a site
        // file (conf.d/default.conf in the image), whatever its name.
        _ => (nginx_role_from_content(&shape, path), "its content"),
    };
    let why = if strong {
        format!("named {name}; role from {place}")
    } else {
        format!("an nginx file by its name and place; role from {place}")
    };
    check(role, Confidence::Placed, why)
}

fn zone(path: &Path, signal: &NameSignal, sniff: &Sniff) -> Decision {
    if let Some(d) = control_skip(sniff, "a zone") {
        return d;
    }
    // A zone with placeholders is a zone only once rendered (a loader that
    // names it as a zone overrides this: see `loaded_zone`).
    if let Some(t) = sniff.template {
        return skip(
            "template",
            format!(
                "a zone template ({} placeholders): not a zone until rendered; check the rendered file",
                t.style.as_str()
            ),
        );
    }
    let name = file_name(path);
    if signal.role == Some(Role::ZoneFragment) {
        return skip(
            "zone-fragment",
            "a DNSSEC key file (dnssec-keygen): the DNSKEY record dnssec-signzone reads, not a zone a server loads",
        );
    }
    let shape = sniff.zone.unwrap_or_default();
    if name.to_ascii_lowercase().starts_with("dsset-") || shape.keys_only && !shape.soa {
        return skip(
            "zone-fragment",
            "DNSSEC key or DS records only (dnssec-keygen, dsset): read by the signer or given to the parent, not a zone a server loads",
        );
    }
    if shape.root_hints {
        return skip(
            "zone-fragment",
            "root hints (the root's NS records): a resolver's hint file, not an authoritative zone",
        );
    }
    let strong = signal.strength == Strength::Strong;
    if !shape.confirms() {
        // `db.py`, `db.lua`: code named like a zone file.
        let code = path
            .extension()
            .is_some_and(|e| super::names::is_never_infra_extension(&e.to_string_lossy()));
        if code || !strong {
            return Decision::NotInfra;
        }
        // Lines, none a record (collectd's `types.db`): another format.
        if shape.records == 0 && !shape.directives && shape.other > 0 {
            return skip(
                "not-a-zone",
                "named like a zone file, but none of its lines is a resource record",
            );
        }
        // A zone file's own name outweighs what its content looks like: a
        // broken or empty `example.com.zone` is checked (BIND refuses it).
    }
    // Records without a SOA or `$ORIGIN`/`$TTL` may be a zone, or records
    // some zone `$INCLUDE`s: unsure which, until something loads it.
    let confidence = if shape.soa || shape.directives {
        Confidence::Placed
    } else {
        Confidence::Unsure
    };
    let why = if strong {
        format!("named {name} (a zone file's name)")
    } else {
        "in a zone folder, with zone-file records".to_string()
    };
    check(Role::Zone, confidence, why)
}

fn tls(signal: &NameSignal, sniff: &Sniff) -> Decision {
    let _ = signal;
    let pem = &sniff.pem;
    if sniff.template.is_some_and(|t| !t.only_quoted) || sniff.template.is_some() && !pem.at_top {
        return skip(
            "template",
            "a template of a certificate or key (placeholders instead of PEM data)",
        );
    }
    // Material of another kind, recognised: what it is, not a broken
    // certificate.
    if let Some(what) = pem.other_material() {
        return skip("other-format", what);
    }
    // A certificate's own name: its blocks are read wherever they stand
    // (`openssl` writes text above them).
    if pem.certificates() || pem.private_keys() {
        let role = if pem.certificates() {
            Role::CertificateFile
        } else {
            Role::PrivateKey
        };
        return check(
            role,
            Confidence::Placed,
            "named like a certificate or key, with PEM blocks",
        );
    }
    let zone = sniff.zone.unwrap_or_default();
    if zone.keys_only {
        return skip(
            "zone-fragment",
            "a DNSSEC key file (DNSKEY record), not a TLS key",
        );
    }
    if sniff.ssh_public_key {
        return skip("other-format", "an OpenSSH public key, not a certificate");
    }
    // A certificate's own name outweighs what its content looks like: an
    // empty or broken `site.pem` is checked (nginx refuses to load it).
    check(
        Role::CertificateFile,
        Confidence::Placed,
        "named like a certificate or key",
    )
}

/// A file no name or place marks: content may show what it looks like,
/// which is worth a word, but it is checked only in the one case where
/// the format's own signature says what it is (a Kubernetes TLS Secret),
/// or at most unsure (nginx directives in a `.conf`).
fn content_only(path: &Path, sniff: &Sniff) -> Decision {
    if sniff.loader.is_some() {
        return Decision::NotInfra;
    }
    let conf = path.extension().is_some_and(|e| e == "conf");
    if sniff.k8s_tls_secret {
        if let Some(t) = sniff.template {
            return skip(
                "template",
                format!("a {} template of a Kubernetes TLS Secret", t.style.as_str()),
            );
        }
        return check(
            Role::TlsSecret,
            Confidence::Placed,
            "a Kubernetes Secret of type kubernetes.io/tls",
        );
    }
    if let Some(export) = sniff.export {
        if export == ExportShape::Registrar {
            return check(
                Role::Zone,
                Confidence::Placed,
                "a zone export by its format's own marks (a registrar's header, cli53's records)",
            );
        }
        return export_by_place(path, export);
    }
    // A template of nginx configuration no loader names: worth a word.
    if let (Some(t), Some(shape)) = (sniff.template, sniff.nginx) {
        if shape.confirms() && sniff.foreign.is_none() {
            return skip(
                "template",
                format!(
                    "a {} template of nginx configuration that nothing installs where nginx reads it; check the rendered output",
                    t.style.as_str()
                ),
            );
        }
    }
    if let Some(shape) = sniff.nginx.filter(|s| s.strongly()) {
        if sniff.foreign.is_none() {
            if let Some(d) = control_skip(sniff, "an nginx configuration") {
                return d;
            }
            if conf {
                return check(
                    nginx_role_from_content(&shape, path),
                    Confidence::Unsure,
                    "nginx directives in a .conf file that nothing loads and no nginx folder holds",
                );
            }
            return skip("not-placed", NGINX_NOT_PLACED);
        }
    }
    // Looks like nginx, but not enough to check: worth a word.
    let looks = |s: &NginxShape| {
        s.syntax_errors == 0
            && s.ended_lines * 5 >= s.code_lines * 4
            && (s.confirms() || s.known >= 3)
    };
    if sniff.nginx.is_some_and(|s| looks(&s))
        && sniff.foreign.is_none()
        && (conf || path.extension().is_none())
    {
        return skip("not-placed", NGINX_NOT_PLACED);
    }
    if let Some(zone) = sniff
        .zone
        .filter(|z| (z.keys_only || z.root_hints) && z.records > 0)
    {
        let what = if zone.root_hints {
            "root hints (the root's NS records): a resolver's hint file, not an authoritative zone"
        } else {
            "DNSSEC key or DS records: read by a signer or given to the parent, not a zone a server loads"
        };
        return skip("zone-fragment", what);
    }
    if let Some(zone) = sniff
        .zone
        .filter(|z| z.soa || z.directives && z.records > 0)
    {
        if !zone.keys_only {
            return skip(
                "not-placed",
                "zone-file records, but no server configuration loads it and its name is not a zone file's (*.zone, db.*, *.db)",
            );
        }
    }
    if sniff.pem.at_top && (sniff.pem.certificates() || sniff.pem.private_keys()) {
        return skip(
            "not-placed",
            "PEM certificates or keys in a file not named like one (.pem, .crt, .key) that nothing loads",
        );
    }
    Decision::NotInfra
}

const NGINX_NOT_PLACED: &str = "nginx directives, but neither its name nor its place nor a loader says nginx reads it (name it *.conf under an nginx folder, or pass --kind nginx)";

/// A provider export by its format's signature: checked where its name or
/// folder says DNS (`example.com.yaml`, `zones/`, `dns/`), else listed.
fn export_by_place(path: &Path, export: ExportShape) -> Decision {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let stem = stem.trim_end_matches(".zone");
    let domain_like = stem.contains('.')
        && stem
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
    let dns_folder = path.ancestors().skip(1).take(3).any(|a| {
        a.file_name().is_some_and(|n| {
            let n = n.to_string_lossy().to_ascii_lowercase();
            matches!(
                n.as_str(),
                "zones" | "zone" | "dns" | "records" | "route53" | "octodns"
            )
        })
    });
    let named = stem.contains("zone") || stem.contains("dns") || stem.contains("route53");
    let what = match export {
        ExportShape::Route53 => "a Route 53 record-set export",
        ExportShape::GoogleCloud => "a Cloud DNS record-set export",
        ExportShape::OctoDns => "octoDNS records",
        ExportShape::Registrar => "a registrar's zone export",
    };
    if domain_like || dns_folder || named {
        check(
            Role::ProviderExport,
            Confidence::Placed,
            format!("{what}, named or placed as DNS data"),
        )
    } else {
        skip(
            "not-placed",
            format!("{what}, but neither an octoDNS config nor its name or folder says which zone it is"),
        )
    }
}
