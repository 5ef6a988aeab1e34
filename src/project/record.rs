//! What the repository model says of one file: its kind, the role a server
//! loads it in, how sure tripline is of that, and why — or, for a file that
//! looks like infrastructure but is not checked, the reason it is skipped.

use crate::dns::name::Name;
use std::path::PathBuf;

pub use crate::template::TemplateStyle;

/// The three kinds of file tripline checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum FileKind {
    Nginx,
    Zone,
    Tls,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Nginx => "nginx",
            FileKind::Zone => "zone",
            FileKind::Tls => "tls",
        }
    }
}

/// The role a server loads a file in, which decides the context it is
/// checked in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A whole configuration nginx is started with.
    NginxMain,
    /// Directives of the main context that a main configuration includes
    /// (`modules-enabled/*.conf`: `load_module` lines).
    NginxMainFragment,
    /// The inside of `http { }`: conf.d and sites files, `mime.types`.
    NginxHttp,
    /// The inside of a `server { }`.
    NginxServer,
    /// The inside of a `location { }`.
    NginxLocation,
    /// The inside of `stream { }`.
    NginxStream,
    /// Included somewhere not known: http, a server or a location.
    NginxSnippet,
    /// A master file a DNS server loads.
    Zone,
    /// Records read into a zone by `$INCLUDE`, or kept for one (DNSKEY
    /// files, root hints): checked inside their zone, not on their own.
    ZoneFragment,
    /// A provider's records (octoDNS, Route 53, Cloud DNS).
    ProviderExport,
    /// What `ssl_certificate` serves: a leaf, its chain, maybe its key.
    ServedChain,
    /// CA certificates trusted by a client or a verifier
    /// (`ssl_trusted_certificate`, `ssl_client_certificate`, CA bundles).
    TrustStore,
    /// A private key (`ssl_certificate_key`).
    PrivateKey,
    /// A Kubernetes Secret of type `kubernetes.io/tls`.
    TlsSecret,
    /// Certificates or keys whose use nothing in the repository says.
    CertificateFile,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::NginxMain => "main",
            Role::NginxMainFragment => "main-fragment",
            Role::NginxHttp => "http-fragment",
            Role::NginxServer => "server-fragment",
            Role::NginxLocation => "location-fragment",
            Role::NginxStream => "stream-fragment",
            Role::NginxSnippet => "snippet",
            Role::Zone => "zone",
            Role::ZoneFragment => "zone-fragment",
            Role::ProviderExport => "provider-export",
            Role::ServedChain => "served-chain",
            Role::TrustStore => "trust-store",
            Role::PrivateKey => "private-key",
            Role::TlsSecret => "tls-secret",
            Role::CertificateFile => "certificate",
        }
    }

    pub fn kind(self) -> FileKind {
        match self {
            Role::NginxMain
            | Role::NginxMainFragment
            | Role::NginxHttp
            | Role::NginxServer
            | Role::NginxLocation
            | Role::NginxStream
            | Role::NginxSnippet => FileKind::Nginx,
            Role::Zone | Role::ZoneFragment | Role::ProviderExport => FileKind::Zone,
            Role::ServedChain
            | Role::TrustStore
            | Role::PrivateKey
            | Role::TlsSecret
            | Role::CertificateFile => FileKind::Tls,
        }
    }
}

/// How a file's role is known. Errors are raised only where it is
/// established (`Loaded` or `Placed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Content says so, names and places only hint: self-contained checks,
    /// never an error.
    Unsure,
    /// Named and placed as the servers expect (`nginx.conf`,
    /// `sites-enabled/x`, `db.example.com`, `fullchain.pem`).
    Placed,
    /// Something in the repository loads it: an nginx `include`, a
    /// Dockerfile `COPY`, a compose volume, `named.conf`, `$INCLUDE`, an
    /// `ssl_certificate` path.
    Loaded,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Unsure => "unsure",
            Confidence::Placed => "placed",
            Confidence::Loaded => "loaded",
        }
    }

    pub fn is_established(self) -> bool {
        self != Confidence::Unsure
    }
}

/// A file the model checks.
#[derive(Clone, Debug)]
pub struct FileRecord {
    pub path: PathBuf,
    pub role: Role,
    pub confidence: Confidence,
    /// Why the model decided so, for `--show-files`: "COPY at
    /// Dockerfile:12 to /etc/nginx/conf.d/", "named nginx.conf".
    pub why: String,
    /// The zone a server loads it as (zones), when a loader names it.
    pub origins: Vec<Name>,
    /// Placeholders it holds: checked with them as opaque values.
    pub template: Option<TemplateStyle>,
    /// Named on the command line.
    pub explicit: bool,
    /// Symlinks in the repository that lead to this file
    /// (`sites-enabled/x` → `../sites-available/x`).
    pub aliases: Vec<PathBuf>,
    /// The whole file, when deciding what it is read all of it (a file of
    /// up to 16 KiB): its reader takes it rather than reading it again.
    pub text: Option<FileText>,
}

/// A file's content as read once, with the real path it was read at (the
/// file's identity, symlinks resolved).
#[derive(Clone)]
pub struct FileText {
    pub real: PathBuf,
    pub bytes: std::sync::Arc<[u8]>,
    /// Its nginx parse, where deciding what it is parsed all of it as it
    /// is: the walk takes it rather than parsing the file again.
    pub parsed: Option<std::sync::Arc<crate::nginx::parser::ConfFile>>,
}

impl std::fmt::Debug for FileText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} bytes of {}", self.bytes.len(), self.real.display())
    }
}

impl FileRecord {
    pub fn kind(&self) -> FileKind {
        self.role.kind()
    }
}

/// Why a file that looks like infrastructure is not checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkipReason {
    /// A stable short name, counted in summaries: `template`,
    /// `not-placed`, `other-format`, `not-a-certificate`, ...
    pub code: &'static str,
    /// One line for the user.
    pub detail: String,
}

impl SkipReason {
    pub fn new(code: &'static str, detail: impl Into<String>) -> Self {
        SkipReason {
            code,
            detail: detail.into(),
        }
    }
}

/// A file that looked like infrastructure and is not checked.
#[derive(Clone, Debug)]
pub struct SkippedFile {
    pub path: PathBuf,
    pub reason: SkipReason,
    pub explicit: bool,
}

/// One line of `tripline check --show-files`: a file, what the model made
/// of it, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileRow {
    /// As the user would type it from the current folder.
    pub file: String,
    /// `checked`, `skipped` or `loader`.
    pub status: &'static str,
    /// `nginx`, `zone`, `tls`, or what the loader is.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub role: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub confidence: &'static str,
    /// Skipped files: the reason's short name.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub reason: &'static str,
    pub why: String,
}
