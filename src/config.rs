//! `tripline.toml`: rule selection, severity overrides, per-path ignores and
//! rule options, found in the current folder or the nearest parent.

mod error;
mod file;

pub use error::ConfigError;
#[cfg(test)]
pub(crate) use file::json_schema;
pub use file::{BaselineOptions, DnsOptions, MigrationOptions, NginxOptions, TlsOptions};

use crate::dns::name::Name;
use crate::escape::quoted;
use crate::finding::Severity;
use crate::registry::{self, Rule};
use error::parse_error;
use file::RawConfig;
use globset::{GlobBuilder, GlobMatcher};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = crate::root::SETTINGS_FILE;

/// Far more than any real tripline.toml; it bounds a hostile one.
const MAX_CONFIG_BYTES: u64 = 4 << 20;

struct PerPath {
    glob: GlobMatcher,
    ignore: Vec<String>,
    origin: Option<Name>,
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
mod tests;

impl crate::rules::Settings for Config {
    fn max_ttl(&self) -> u32 {
        self.dns.max_ttl
    }

    fn expiry_days(&self) -> (u32, u32) {
        (self.tls.warn_days, self.tls.error_days)
    }

    fn cutover_ttl(&self) -> u32 {
        self.migration.cutover_ttl
    }

    fn nginx_version(&self) -> crate::nginx::directives::Version {
        Config::nginx_version(self)
    }

    fn nginx_version_text(&self) -> String {
        Config::nginx_version_text(self)
    }

    fn nginx_modules(&self) -> &[String] {
        &self.nginx.modules
    }

    fn nginx_directives(&self) -> &[String] {
        &self.nginx.directives
    }

    fn nginx_flavor(&self) -> Option<&str> {
        self.nginx.flavor.as_deref()
    }
}
