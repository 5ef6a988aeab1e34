//! `tripline.toml` as written: the types it is read into, the sections
//! [`super::Config`] keeps as they are, and its JSON Schema.

use crate::finding::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// tripline.toml as written. Its JSON Schema (schemas/tripline.schema.json)
/// is generated from this type and those it holds ([`json_schema`]): the
/// doc comments below are what editors show.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    /// Which rules run, and at which severity.
    #[serde(default)]
    pub(super) rules: RawRules,
    /// Rules ignored, or a zone origin, for the files a glob matches.
    #[serde(default, rename = "per-path")]
    pub(super) per_path: Vec<RawPerPath>,
    /// How nginx configurations are read.
    #[serde(default)]
    pub(super) nginx: NginxOptions,
    /// Options of the DNS rules.
    #[serde(default)]
    pub(super) dns: DnsOptions,
    /// Options of the certificate rules.
    #[serde(default)]
    pub(super) tls: TlsOptions,
    /// Options of `tripline diff`.
    #[serde(default)]
    pub(super) migration: MigrationOptions,
    /// Options of `tripline drift`.
    #[serde(default)]
    pub(super) drift: crate::drift::config::DriftConfig,
    /// The baseline every run reads.
    #[serde(default)]
    pub(super) baseline: BaselineOptions,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BaselineOptions {
    /// The baseline every run reads, relative to tripline.toml.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawRules {
    /// The rules that run: areas (`nginx`) or rule ids
    /// (`nginx/missing-default-server`). Default: all.
    #[cfg_attr(test, schemars(inner(regex(pattern = SELECTOR))))]
    pub(super) select: Option<Vec<String>>,
    /// Rules or areas that never run.
    #[serde(default)]
    #[cfg_attr(test, schemars(inner(regex(pattern = SELECTOR))))]
    pub(super) ignore: Vec<String>,
    /// A severity per rule or area, instead of the rule's default.
    #[serde(default)]
    pub(super) severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawPerPath {
    /// A glob, relative to the folder of tripline.toml (`legacy/**`).
    pub(super) path: String,
    /// Rules or areas that do not run on the matching files.
    #[serde(default)]
    #[cfg_attr(test, schemars(inner(regex(pattern = SELECTOR))))]
    pub(super) ignore: Vec<String>,
    /// The zone of the matching zone files that do not name it themselves.
    pub(super) origin: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct NginxOptions {
    /// The absolute prefix the configs were written for; paths under it map
    /// onto the folder of the root nginx.conf.
    pub prefix: PathBuf,
    /// Absolute server prefixes and the repository folders (relative to
    /// tripline.toml) that hold them: `"/config" = "root/defaults"`.
    pub paths: BTreeMap<PathBuf, PathBuf>,
    /// The nginx version the configuration targets (`1.22`).
    pub version: Option<String>,
    /// Third-party modules the target nginx loads (`lua`, `headers-more`,
    /// or `openresty` for OpenResty's bundle). A module tripline does not
    /// know may be named too (`vod`): the directives named after it
    /// (`vod_mode`) are then accepted as written.
    pub modules: Vec<String>,
    /// Directives of modules tripline does not know that are not named
    /// after their module (`sticky` of nginx-sticky-module-ng): accepted as
    /// written, their contexts and arguments unchecked.
    pub directives: Vec<String>,
    /// The nginx distribution: `nginx` (the default) or `openresty`, whose
    /// bundled modules (lua, headers-more, ...) and prefix
    /// (`/usr/local/openresty/nginx/conf`) it then has.
    pub flavor: Option<String>,
}

impl Default for NginxOptions {
    fn default() -> Self {
        NginxOptions {
            prefix: PathBuf::from("/etc/nginx"),
            paths: BTreeMap::new(),
            version: None,
            modules: Vec::new(),
            directives: Vec::new(),
            flavor: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DnsOptions {
    /// dns/long-ttl: the longest TTL, in seconds, an A, AAAA or CNAME
    /// record may have (default 3600).
    pub max_ttl: u32,
}

impl Default for DnsOptions {
    fn default() -> Self {
        DnsOptions { max_ttl: 3600 }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct TlsOptions {
    /// tls/expiring-soon: days before expiry it warns (default 30).
    pub warn_days: u32,
    /// tls/expiring-soon: days before expiry it is an error (default 7).
    pub error_days: u32,
    /// Extra trusted roots (a private CA), relative to tripline.toml.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            warn_days: 30,
            error_days: 7,
            ca_file: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct MigrationOptions {
    /// The TTL records should have at the old provider before the NS switch
    /// (default 300).
    pub cutover_ttl: u32,
}

impl Default for MigrationOptions {
    fn default() -> Self {
        MigrationOptions { cutover_ttl: 300 }
    }
}

/// What a rule selector looks like: an area, or an area and a rule name.
/// Whether the rule exists is tripline's to say (with a suggestion).
#[cfg(test)]
const SELECTOR: &str = "^(nginx|dns|tls|migration|drift)(/[a-z0-9]+(-[a-z0-9]+)*)?$";

/// tripline.toml's JSON Schema (draft 7, as SchemaStore and taplo read it),
/// generated from [`RawConfig`]; schemas/tripline.schema.json is this,
/// checked in (`cargo test --lib config_schema` keeps them in step).
#[cfg(test)]
pub(crate) fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<RawConfig>();
    schema.insert(
        "$id".into(),
        "https://raw.githubusercontent.com/tripline/tripline/main/schemas/tripline.schema.json"
            .into(),
    );
    schema.insert("title".into(), "tripline.toml".into());
    schema.to_value()
}
