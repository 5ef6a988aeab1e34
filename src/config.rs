//! `tripline.toml`: rule selection, severity overrides, per-path ignores and
//! rule options, found in the current folder or the nearest parent.

use crate::dns::name::Name;
use crate::finding::Severity;
use crate::registry::{self, Rule};
use crate::report::escape::{quoted, MAX_QUOTED};
use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = crate::root::SETTINGS_FILE;

/// Far more than any real tripline.toml; it bounds a hostile one.
const MAX_CONFIG_BYTES: u64 = 4 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {reason}")]
    Read { path: String, reason: String },
    /// `snippet`: the offending line under the message, made safe to
    /// print (see [`ConfigError::snippet`]).
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
        snippet: String,
    },
    #[error("{path}: unknown rule or area `{selector}` in {key}{hint}")]
    UnknownRule {
        path: String,
        key: String,
        selector: String,
        hint: String,
    },
    #[error("{path}: invalid origin `{origin}` in [[per-path]]: {message}")]
    BadOrigin {
        path: String,
        origin: String,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{path}: invalid glob `{glob}` in [[per-path]]: {message}")]
    BadGlob {
        path: String,
        glob: String,
        message: String,
    },
}

/// tripline.toml as written. Its JSON Schema (schemas/tripline.schema.json)
/// is generated from this type and those it holds ([`json_schema`]): the
/// doc comments below are what editors show.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// Which rules run, and at which severity.
    #[serde(default)]
    rules: RawRules,
    /// Rules ignored, or a zone origin, for the files a glob matches.
    #[serde(default, rename = "per-path")]
    per_path: Vec<RawPerPath>,
    /// How nginx configurations are read.
    #[serde(default)]
    nginx: NginxOptions,
    /// Options of the DNS rules.
    #[serde(default)]
    dns: DnsOptions,
    /// Options of the certificate rules.
    #[serde(default)]
    tls: TlsOptions,
    /// Options of `tripline diff`.
    #[serde(default)]
    migration: MigrationOptions,
    /// Options of `tripline drift`.
    #[serde(default)]
    drift: crate::drift::config::DriftConfig,
    /// The baseline every run reads.
    #[serde(default)]
    baseline: BaselineOptions,
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
struct RawRules {
    /// The rules that run: areas (`nginx`) or rule ids
    /// (`nginx/missing-default-server`). Default: all.
    #[cfg_attr(test, schemars(inner(regex(pattern = SELECTOR))))]
    select: Option<Vec<String>>,
    /// Rules or areas that never run.
    #[serde(default)]
    #[cfg_attr(test, schemars(inner(regex(pattern = SELECTOR))))]
    ignore: Vec<String>,
    /// A severity per rule or area, instead of the rule's default.
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawPerPath {
    /// A glob, relative to the folder of tripline.toml (`legacy/**`).
    path: String,
    /// Rules or areas that do not run on the matching files.
    #[serde(default)]
    #[cfg_attr(test, schemars(inner(regex(pattern = SELECTOR))))]
    ignore: Vec<String>,
    /// The zone of the matching zone files that do not name it themselves.
    origin: Option<String>,
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

struct PerPath {
    glob: GlobMatcher,
    ignore: Vec<String>,
    origin: Option<Name>,
}

/// A TOML error as `path:line:column: message`, and the line under it with
/// a caret. The file is the repository's (untrusted): the message and the
/// line are shown with control characters made visible, so no line of it
/// can start a CI workflow command.
fn parse_error(text: &str, shown: &str, error: &toml::de::Error) -> ConfigError {
    let offset = error.span().map_or(0, |span| span.start).min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[..offset].matches('\n').count() + 1;
    let column = text[line_start..offset].chars().count() + 1;
    let (source_line, caret_at) = excerpt_around(
        text[line_start..line_end].trim_end_matches('\r'),
        offset - line_start,
    );
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    let snippet = format!(
        "{gutter} |\n{number} | {source_line}\n{gutter} | {}^",
        " ".repeat(caret_at)
    );
    ConfigError::Parse {
        path: shown.to_string(),
        line,
        column,
        message: quoted(&error.message().trim_end().replace('\n', "; ")),
        snippet,
    }
}

/// At most [`MAX_QUOTED`] characters of a line around byte `at`, made
/// visible, and the caret's column in them: a 3 MB line is not printed.
fn excerpt_around(line: &str, at: usize) -> (String, usize) {
    let visible = |t: &str| crate::report::escape::visible(t).into_owned();
    let at = (0..=at.min(line.len()))
        .rev()
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(0);
    let before: Vec<char> = line[..at].chars().collect();
    let after: Vec<char> = line[at..].chars().collect();
    let keep_before = before.len().min(MAX_QUOTED / 2);
    let keep_after = after.len().min(MAX_QUOTED - keep_before);
    let mut head: String = before[before.len() - keep_before..].iter().collect();
    if keep_before < before.len() {
        head.insert(0, '…');
    }
    let mut tail: String = after[..keep_after].iter().collect();
    if keep_after < after.len() {
        tail.push('…');
    }
    let head = visible(&head);
    let caret_at = head.chars().count();
    (format!("{head}{}", visible(&tail)), caret_at)
}

impl ConfigError {
    /// Lines to print under the error, already safe to print as they are.
    pub fn snippet(&self) -> Option<&str> {
        match self {
            ConfigError::Parse { snippet, .. } => Some(snippet),
            _ => None,
        }
    }
}

/// The validated configuration.
pub struct Config {
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
    /// The folder the files it names must be in: its repository (see
    /// [`crate::tree::settings_scope`]).
    pub scope: Option<PathBuf>,
    /// Folder that per-path globs are relative to.
    base: PathBuf,
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    severity: BTreeMap<String, Severity>,
    per_path: Vec<PerPath>,
    pub nginx: NginxOptions,
    pub dns: DnsOptions,
    pub tls: TlsOptions,
    pub migration: MigrationOptions,
    pub drift: crate::drift::config::DriftConfig,
    pub baseline: BaselineOptions,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            source: None,
            scope: None,
            base: PathBuf::from("."),
            select: None,
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            per_path: Vec::new(),
            nginx: NginxOptions::default(),
            dns: DnsOptions::default(),
            tls: TlsOptions::default(),
            migration: MigrationOptions::default(),
            drift: crate::drift::config::DriftConfig::default(),
            baseline: BaselineOptions::default(),
        }
    }
}

impl Config {
    /// `tripline.toml` in `start` or its nearest parent, or the defaults.
    pub fn discover(start: &Path) -> Result<Config, ConfigError> {
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            // Anything by that name counts: a tripline.toml that is a
            // folder, a device or a dangling link is an error, not absent.
            if std::fs::symlink_metadata(&candidate).is_ok() {
                return Config::load(&candidate);
            }
        }
        Ok(Config::default())
    }

    /// Reads a tripline.toml; it may not lead out of the repository it is
    /// in (see [`crate::tree::read_settings_file`]).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = quoted(&path.display().to_string());
        let scope = crate::tree::settings_scope(path);
        let text =
            crate::tree::read_settings_file(path, &scope, MAX_CONFIG_BYTES).map_err(|reason| {
                ConfigError::Read {
                    path: shown.clone(),
                    reason,
                }
            })?;
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let mut config = Config::parse(&text, &shown, base)?;
        config.source = Some(path.to_path_buf());
        config.scope = Some(scope);
        Ok(config)
    }

    pub fn parse(text: &str, shown: &str, base: PathBuf) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| parse_error(text, shown, &e))?;
        let check = |key: &str, selectors: &[String]| -> Result<(), ConfigError> {
            match selectors.iter().find(|s| !registry::is_known_selector(s)) {
                Some(bad) => Err(ConfigError::UnknownRule {
                    path: shown.to_string(),
                    key: key.to_string(),
                    selector: quoted(bad),
                    hint: registry::did_you_mean(bad),
                }),
                None => Ok(()),
            }
        };
        if let Some(select) = &raw.rules.select {
            check("rules.select", select)?;
        }
        check("rules.ignore", &raw.rules.ignore)?;
        let severity_keys: Vec<String> = raw.rules.severity.keys().cloned().collect();
        check("rules.severity", &severity_keys)?;
        let mut per_path = Vec::new();
        for entry in raw.per_path {
            check("per-path.ignore", &entry.ignore)?;
            let glob = GlobBuilder::new(&entry.path)
                .literal_separator(true)
                .build()
                .map_err(|e| ConfigError::BadGlob {
                    path: shown.to_string(),
                    glob: quoted(&entry.path),
                    message: quoted(&e.kind().to_string()),
                })?
                .compile_matcher();
            let origin = match entry.origin {
                None => None,
                Some(text) => {
                    // Relative to the root: `example.com` and `example.com.` agree.
                    let name = Name::parse(&text, Some(&Name::root())).map_err(|e| {
                        ConfigError::BadOrigin {
                            path: shown.to_string(),
                            origin: quoted(&text),
                            message: quoted(&e.to_string()),
                        }
                    })?;
                    Some(name)
                }
            };
            per_path.push(PerPath {
                glob,
                ignore: entry.ignore,
                origin,
            });
        }
        if let Some(version) = &raw.nginx.version {
            if crate::nginx::directives::Version::parse(version).is_none() {
                return Err(ConfigError::Invalid {
                    path: shown.to_string(),
                    message: format!(
                        "[nginx] version `{}` is not a version like `1.22` or `1.24.0`",
                        quoted(version)
                    ),
                });
            }
        }
        if let Some(flavor) = &raw.nginx.flavor {
            if !matches!(flavor.as_str(), "nginx" | "openresty") {
                return Err(ConfigError::Invalid {
                    path: shown.to_string(),
                    message: format!(
                        "[nginx] flavor `{}` is not one of `nginx`, `openresty`",
                        quoted(flavor)
                    ),
                });
            }
        }
        Ok(Config {
            source: None,
            scope: None,
            base,
            select: raw.rules.select,
            ignore: raw.rules.ignore,
            severity: raw.rules.severity,
            per_path,
            nginx: raw.nginx,
            dns: raw.dns,
            tls: raw.tls,
            migration: raw.migration,
            drift: raw.drift,
            baseline: raw.baseline,
        })
    }

    /// `--select` (replaces `[rules] select`) and `--ignore` (added to
    /// `[rules] ignore`), each selector checked like the config's.
    pub fn apply_command_line(
        &mut self,
        select: &[String],
        ignore: &[String],
    ) -> Result<(), ConfigError> {
        for (flag, selectors) in [("--select", select), ("--ignore", ignore)] {
            if let Some(bad) = selectors.iter().find(|s| !registry::is_known_selector(s)) {
                return Err(ConfigError::UnknownRule {
                    path: "command line".into(),
                    key: flag.into(),
                    selector: quoted(bad),
                    hint: registry::did_you_mean(bad),
                });
            }
        }
        if !select.is_empty() {
            self.select = Some(select.to_vec());
        }
        self.ignore.extend(ignore.iter().cloned());
        Ok(())
    }

    /// A path written in tripline.toml, as seen from the current folder.
    pub fn path_from_config(&self, path: &Path) -> PathBuf {
        self.base.join(path)
    }

    /// `[nginx] paths`, the folders as seen from the current folder.
    pub fn nginx_mappings(&self) -> Vec<(PathBuf, PathBuf)> {
        (self.nginx.paths.iter())
            .map(|(server, folder)| (server.clone(), self.path_from_config(folder)))
            .collect()
    }

    /// `[nginx] version` as written, or the newest stable nginx: for messages.
    pub fn nginx_version_text(&self) -> String {
        (self.nginx.version.clone()).unwrap_or_else(|| self.nginx_version().to_string())
    }

    /// `[nginx] version`, or the newest stable nginx the table knows.
    pub fn nginx_version(&self) -> crate::nginx::directives::Version {
        (self.nginx.version.as_deref())
            .and_then(crate::nginx::directives::Version::parse)
            .unwrap_or(crate::nginx::directives::Version::NEWEST_STABLE)
    }

    /// Whether the rule runs at all (select minus ignore).
    pub fn is_selected(&self, rule: &Rule) -> bool {
        let selected = match &self.select {
            None => rule.on_by_default(),
            Some(select) => select.iter().any(|s| registry::selects(s, rule)),
        };
        selected
            && !self
                .ignore
                .iter()
                .any(|s| registry::selector_matches(s, rule))
    }

    /// Whether the rule applies to a file (selection and per-path ignores).
    pub fn is_enabled_for(&self, rule: &Rule, file: &Path) -> bool {
        if !self.is_selected(rule) {
            return false;
        }
        if self.per_path.is_empty() {
            return true;
        }
        let relative = relative_to(file, &self.base);
        !self.per_path.iter().any(|p| {
            p.glob.is_match(&relative)
                && p.ignore.iter().any(|s| registry::selector_matches(s, rule))
        })
    }

    /// The origin `[[per-path]]` gives a zone file: the first match wins.
    pub fn origin_for(&self, file: &Path) -> Option<&Name> {
        if self.per_path.iter().all(|p| p.origin.is_none()) {
            return None;
        }
        let relative = relative_to(file, &self.base);
        self.per_path
            .iter()
            .filter(|p| p.glob.is_match(&relative))
            .find_map(|p| p.origin.as_ref())
    }

    pub fn severity_of(&self, rule: &Rule) -> Severity {
        self.severity_override(rule)
            .unwrap_or(rule.default_severity)
    }

    /// The severity `[rules] severity` sets for the rule, if any.
    pub fn severity_override(&self, rule: &Rule) -> Option<Severity> {
        self.severity
            .iter()
            .find(|(selector, _)| registry::selector_matches(selector, rule))
            .map(|(_, severity)| *severity)
    }
}

/// `file` relative to `base`, comparing absolute forms so that `./x` and
/// `/abs/x` agree.
fn relative_to(file: &Path, base: &Path) -> PathBuf {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .map(|a| crate::source::normalize(&a))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let (file_abs, base_abs) = (absolute(file), absolute(base));
    file_abs
        .strip_prefix(&base_abs)
        .map(Path::to_path_buf)
        .unwrap_or(file_abs)
}

#[cfg(test)]
mod schema_file;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "tripline.toml", PathBuf::from("/repo"))
    }

    #[test]
    fn select_ignore_and_severity() {
        let c = parse(
            r#"
            [rules]
            select = ["nginx"]
            ignore = ["nginx/single-upstream-server"]
            severity = { "nginx/missing-default-server" = "error" }
            "#,
        )
        .expect("valid");
        let mds = registry::find("nginx/missing-default-server").expect("rule");
        let sus = registry::find("nginx/single-upstream-server").expect("rule");
        assert!(c.is_selected(mds));
        assert!(!c.is_selected(sus));
        assert_eq!(c.severity_of(mds), Severity::Error);
    }

    #[test]
    fn per_path_ignores() {
        let c = parse(
            r#"
            [[per-path]]
            path = "legacy/**"
            ignore = ["nginx"]
            "#,
        )
        .expect("valid");
        let mds = registry::find("nginx/missing-default-server").expect("rule");
        assert!(!c.is_enabled_for(mds, Path::new("/repo/legacy/a/nginx.conf")));
        assert!(c.is_enabled_for(mds, Path::new("/repo/current/nginx.conf")));
    }

    #[test]
    fn option_tables_may_set_one_key() {
        let c = parse("[tls]\nerror-days = 3\n[migration]\n[dns]\n[nginx]\n").expect("valid");
        assert_eq!((c.tls.warn_days, c.tls.error_days), (30, 3));
        assert_eq!(c.migration.cutover_ttl, 300);
        assert_eq!(c.dns.max_ttl, 3600);
    }

    #[test]
    fn per_path_origin_first_match_wins() {
        let c = parse(
            r#"
            [[per-path]]
            path = "zones/legacy/**"
            ignore = ["dns/long-ttl"]
            [[per-path]]
            path = "zones/*.txt"
            origin = "Example.COM"
            [[per-path]]
            path = "zones/**"
            origin = "other.example."
            "#,
        )
        .expect("valid");
        let origin = |p: &str| c.origin_for(Path::new(p)).map(|n| n.to_string());
        assert_eq!(origin("/repo/zones/a.txt").as_deref(), Some("example.com."));
        assert_eq!(
            origin("/repo/zones/b.zone").as_deref(),
            Some("other.example.")
        );
        assert_eq!(
            origin("/repo/zones/legacy/c").as_deref(),
            Some("other.example.")
        );
        assert_eq!(origin("/repo/elsewhere.txt"), None);
    }

    #[test]
    fn unknown_ids_and_keys_are_errors() {
        let err = parse("[rules]\nignore = [\"nginx/nope\"]")
            .err()
            .expect("error");
        assert!(err
            .to_string()
            .contains("unknown rule or area `nginx/nope`"));
        assert!(parse("[rulez]\n").is_err());
        assert!(parse("[dns]\nmax-ttl = 300\n").is_ok());
    }
}
