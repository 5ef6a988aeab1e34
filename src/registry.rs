//! The one table of rules: id, default severity, summary, user doc and check.

use crate::finding::Severity;
use crate::rules;
use crate::rules::CheckFn;

pub type ServedFn = fn(&crate::tls::served::Served<'_>, &mut crate::rules::Checker<'_>);

/// How a rule produces its findings.
pub enum Check {
    /// Reported while files are read and parsed (syntax errors, missing includes).
    Reader,
    /// Run over each nginx configuration model, fragments included.
    Nginx(CheckFn<crate::nginx::model::Model>),
    /// Run over the configurations nginx loads only: the rule needs the
    /// whole context (inherited directives, other servers, upstreams), which
    /// a fragment nothing includes does not have.
    LoadedNginx(CheckFn<crate::nginx::model::Model>),
    /// Run over each DNS zone.
    Dns(CheckFn<crate::dns::model::Zone>),
    /// Run over each certificate or key file.
    Tls(CheckFn<crate::tls::Bundle>),
    /// Run over each loaded nginx model with the certificate files it names.
    Served(ServedFn),
    /// Both: each file on its own, and what nginx pairs and serves.
    TlsAndServed(CheckFn<crate::tls::Bundle>, ServedFn),
    /// Run by `tripline diff` over each pair of zones.
    Migration(fn(&crate::migration::ZonePair<'_>, &mut crate::rules::Checker<'_>)),
    /// Run by `tripline drift` over what the live servers answered.
    Drift(fn(&crate::drift::report::DriftReport<'_>, &mut crate::rules::Checker<'_>)),
    /// Reported while applying suppression comments.
    Suppressions,
}

pub struct Rule {
    pub id: &'static str,
    pub default_severity: Severity,
    pub summary: &'static str,
    /// The Markdown user doc from `rules/<area>/<name>.md`.
    pub doc: &'static str,
    /// Other names it answers to in config, on the command line and in
    /// suppressions: earlier ids of a renamed rule, and `gixy/<check>` for
    /// each gixy check it covers (what `gixy` users have in their lists).
    pub aliases: &'static [&'static str],
    pub check: Check,
}

impl crate::finding::RuleRef for Rule {
    fn id(&self) -> &'static str {
        self.id
    }

    fn default_severity(&self) -> Severity {
        self.default_severity
    }
}

impl Rule {
    pub fn area(&self) -> &'static str {
        area_of(self.id)
    }

    /// The gixy checks it covers (`add_header_redefinition`).
    pub fn gixy(&self) -> impl Iterator<Item = &'static str> {
        self.aliases.iter().filter_map(|a| a.strip_prefix("gixy/"))
    }

    /// Whether it runs without being named (see [`OPT_IN`]).
    pub fn on_by_default(&self) -> bool {
        !OPT_IN.contains(&self.id)
    }

    /// The rule's doc page (`rules/<area>/<name>.md`) in the repository, as
    /// of this release's tag: what SARIF's `helpUri` and `tripline rules
    /// --format json` link to.
    pub fn help_uri(&self) -> String {
        format!(
            "{}/blob/v{}/rules/{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            env!("CARGO_PKG_VERSION"),
            self.id
        )
    }
}

/// Rules that run only when a selector names them (their id, a `gixy/`
/// alias, or [`GIXY`]): gixy's hygiene checks, which fire on most
/// configurations without pointing at an outage.
pub const OPT_IN: &[&str] = &[
    "nginx/server-tokens",
    "nginx/missing-worker-processes",
    "nginx/try-files-without-open-file-cache",
    "nginx/unanchored-regex",
];

/// The selector for every rule that covers a gixy check, opt-in ones
/// included: `select = ["gixy"]` runs what gixy would.
pub const GIXY: &str = "gixy";

pub fn area_of(id: &str) -> &str {
    id.split_once('/').map_or(id, |(area, _)| area)
}

/// Every area a rule id may start with.
pub const AREAS: &[&str] = &["nginx", "dns", "tls", "migration", "drift"];

pub static RULES: &[&Rule] = &[
    &rules::nginx::syntax_error::RULE,
    &rules::nginx::include_not_found::RULE,
    &rules::nginx::include_cycle::RULE,
    &rules::nginx::include_outside_tree::RULE,
    &rules::nginx::unknown_directive::RULE,
    &rules::nginx::directive_not_allowed_here::RULE,
    &rules::nginx::invalid_number_of_arguments::RULE,
    &rules::nginx::duplicate_directive::RULE,
    &rules::nginx::invalid_value::RULE,
    &rules::nginx::invalid_parameter::RULE,
    &rules::nginx::invalid_condition::RULE,
    &rules::nginx::duplicate_listen_options::RULE,
    &rules::nginx::unknown_log_format::RULE,
    &rules::nginx::unknown_variable::RULE,
    &rules::nginx::no_port_in_upstream::RULE,
    &rules::nginx::shared_memory_zone::RULE,
    &rules::nginx::missing_default_server::RULE,
    &rules::nginx::duplicate_default_server::RULE,
    &rules::nginx::conflicting_server_name::RULE,
    &rules::nginx::ssl_without_certificate::RULE,
    &rules::nginx::proxy_pass_static_dns::RULE,
    &rules::nginx::single_upstream_server::RULE,
    &rules::nginx::alias_traversal::RULE,
    &rules::nginx::root_is_filesystem_root::RULE,
    &rules::nginx::ssrf::RULE,
    &rules::nginx::http_splitting::RULE,
    &rules::nginx::return_bypasses_access::RULE,
    &rules::nginx::allow_without_deny::RULE,
    &rules::nginx::status_page_exposed::RULE,
    &rules::nginx::add_header_dropped::RULE,
    &rules::nginx::proxy_set_header_dropped::RULE,
    &rules::nginx::host_spoofing::RULE,
    &rules::nginx::weak_origin_check::RULE,
    &rules::nginx::valid_referers_none::RULE,
    &rules::nginx::external_resolver::RULE,
    &rules::nginx::proxy_pass_path::RULE,
    &rules::nginx::undefined_capture::RULE,
    &rules::nginx::regex_redos::RULE,
    &rules::nginx::unanchored_regex::RULE,
    &rules::nginx::if_in_location::RULE,
    &rules::nginx::header_value_newline::RULE,
    &rules::nginx::add_header_content_type::RULE,
    &rules::nginx::ssl_stapling_without_resolver::RULE,
    &rules::nginx::ssl_stapling_letsencrypt::RULE,
    &rules::nginx::ssl_ecdh_curve_post_quantum::RULE,
    &rules::nginx::http2_misdirected_request::RULE,
    &rules::nginx::quic_bpf_reuseport::RULE,
    &rules::nginx::worker_rlimit_nofile::RULE,
    &rules::nginx::missing_worker_processes::RULE,
    &rules::nginx::low_keepalive_requests::RULE,
    &rules::nginx::proxy_buffering_off::RULE,
    &rules::nginx::try_files_without_open_file_cache::RULE,
    &rules::nginx::error_log_off::RULE,
    &rules::nginx::map_without_default::RULE,
    &rules::nginx::mixed_case_variable::RULE,
    &rules::nginx::server_tokens::RULE,
    &rules::nginx::overlapping_captures::RULE,
    &rules::nginx::rewrite_args_capture::RULE,
    &rules::nginx::invalid_suppression::RULE,
    &rules::dns::syntax_error::RULE,
    &rules::dns::no_default_ttl::RULE,
    &rules::dns::out_of_zone_data::RULE,
    &rules::dns::long_ttl::RULE,
    &rules::dns::long_negative_ttl::RULE,
    &rules::dns::single_dns_provider::RULE,
    &rules::dns::too_few_nameservers::RULE,
    &rules::dns::missing_apex_records::RULE,
    &rules::dns::multiple_soa::RULE,
    &rules::dns::cname_conflict::RULE,
    &rules::dns::target_is_cname::RULE,
    &rules::dns::dangling_target::RULE,
    &rules::dns::missing_glue::RULE,
    &rules::dns::rrset_ttl_mismatch::RULE,
    &rules::dns::duplicate_record::RULE,
    &rules::dns::soa_timers::RULE,
    &rules::dns::invalid_suppression::RULE,
    &rules::tls::parse_error::RULE,
    &rules::tls::unverifiable::RULE,
    &rules::tls::expired::RULE,
    &rules::tls::not_yet_valid::RULE,
    &rules::tls::expiring_soon::RULE,
    &rules::tls::chain_expires_before_leaf::RULE,
    &rules::tls::chain_order::RULE,
    &rules::tls::incomplete_chain::RULE,
    &rules::tls::key_mismatch::RULE,
    &rules::tls::weak_key::RULE,
    &rules::tls::weak_signature::RULE,
    &rules::tls::expired_in_ca_bundle::RULE,
    &rules::tls::hostname_mismatch::RULE,
    &rules::tls::self_signed::RULE,
    &rules::tls::file_not_found::RULE,
    &rules::migration::missing_record::RULE,
    &rules::migration::changed_record::RULE,
    &rules::migration::extra_record::RULE,
    &rules::migration::ttl_changed::RULE,
    &rules::migration::non_portable_record::RULE,
    &rules::migration::ttl_not_lowered::RULE,
    &rules::migration::mass_deletion::RULE,
    &rules::migration::missing_zone::RULE,
    &rules::migration::extra_zone::RULE,
    &rules::drift::record_missing::RULE,
    &rules::drift::record_changed::RULE,
    &rules::drift::record_extra::RULE,
    &rules::drift::ttl_changed::RULE,
    &rules::drift::not_comparable::RULE,
    &rules::drift::serial_not_deployed::RULE,
    &rules::drift::serial_ahead::RULE,
    &rules::drift::servers_disagree::RULE,
    &rules::drift::delegation_mismatch::RULE,
    &rules::drift::lame_server::RULE,
    &rules::drift::unreachable::RULE,
    &rules::drift::certificate_not_deployed::RULE,
    &rules::drift::served_chain_incomplete::RULE,
    &rules::drift::served_expiring::RULE,
    &rules::drift::served_name_mismatch::RULE,
    &rules::drift::inconsistent_across_ips::RULE,
    &rules::drift::key_type_not_served::RULE,
    &rules::drift::handshake_failed::RULE,
    &rules::drift::not_checked::RULE,
    &rules::drift::default_server_differs::RULE,
    &rules::drift::single_dns_provider::RULE,
];

/// Looks a rule up by id or alias.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.id == id || r.aliases.contains(&id))
}

/// Whether `selector` (an area, an id, or `gixy`) names something that exists.
pub fn is_known_selector(selector: &str) -> bool {
    AREAS.contains(&selector) || selector == GIXY || find(selector).is_some()
}

/// `; did you mean `nginx/missing-default-server`?` for a mistyped or
/// area-less rule id or area, else empty: for every message that refuses
/// a selector.
pub fn did_you_mean(selector: &str) -> String {
    // A name without its area is the commonest slip: exact, then close.
    let by_name = RULES
        .iter()
        .find(|r| {
            r.id.split_once('/')
                .is_some_and(|(_, name)| name == selector)
        })
        .map(|r| r.id);
    let candidates = RULES.iter().map(|r| r.id).chain(AREAS.iter().copied());
    let close = || {
        crate::suggest::closest(selector, candidates, 0.85).or_else(|| {
            let names = RULES
                .iter()
                .filter_map(|r| r.id.split_once('/').map(|(_, name)| name));
            let name = crate::suggest::closest(selector, names, 0.85)?;
            RULES
                .iter()
                .map(|r| r.id)
                .find(|id| id.ends_with(&format!("/{name}")))
        })
    };
    match by_name.or_else(close) {
        Some(id) => format!("; did you mean `{id}`?"),
        None => String::new(),
    }
}

/// Whether `selector` (an area or an id or alias, or `gixy`) covers `rule`.
pub fn selector_matches(selector: &str, rule: &Rule) -> bool {
    selector == rule.area() || names(selector, rule)
}

/// Whether `selector` names `rule` itself: its id, an alias, or `gixy` for
/// a rule that covers a gixy check.
pub fn names(selector: &str, rule: &Rule) -> bool {
    selector == rule.id
        || rule.aliases.contains(&selector)
        || (selector == GIXY && rule.gixy().next().is_some())
}

/// Whether a `select` entry turns `rule` on: an opt-in rule must be named,
/// an area does not turn it on.
pub fn selects(selector: &str, rule: &Rule) -> bool {
    if rule.on_by_default() {
        selector_matches(selector, rule)
    } else {
        names(selector, rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            let (area, name) = rule.id.split_once('/').expect("area/name");
            assert!(AREAS.contains(&area), "{}: unknown area", rule.id);
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}: not kebab-case",
                rule.id
            );
            assert!(!rule.summary.is_empty());
        }
    }

    #[test]
    fn find_by_id_and_selector() {
        let rule = find("nginx/missing-default-server").expect("registered");
        assert!(selector_matches("nginx", rule));
        assert!(selector_matches("nginx/missing-default-server", rule));
        assert!(!selector_matches("dns", rule));
        assert!(is_known_selector("tls"));
        assert!(!is_known_selector("nginx/nope"));
    }

    #[test]
    fn gixy_names_are_aliases_each_rule_documents() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            for check in rule.gixy() {
                assert!(seen.insert(check), "gixy/{check} declared twice");
                assert!(
                    rule.doc.contains(&format!("`{check}`")),
                    "{}: doc does not name gixy's `{check}`",
                    rule.id
                );
                assert_eq!(find(&format!("gixy/{check}")).map(|r| r.id), Some(rule.id));
            }
        }
        for id in OPT_IN {
            assert!(find(id).is_some(), "opt-in {id} is no rule");
        }
        let rule = find("gixy/add_header_redefinition").expect("registered");
        assert!(selects("gixy", rule) && selects("nginx", rule));
        let opt_in = find("nginx/server-tokens").expect("registered");
        assert!(!selects("nginx", opt_in));
        assert!(selects("gixy", opt_in) && selects("gixy/version_disclosure", opt_in));
        assert!(is_known_selector("gixy"));
    }

    #[test]
    fn suggestions_for_mistyped_ids() {
        assert_eq!(
            did_you_mean("missing-default-server"),
            "; did you mean `nginx/missing-default-server`?"
        );
        assert_eq!(
            did_you_mean("nginx/missing-default-sever"),
            "; did you mean `nginx/missing-default-server`?"
        );
        assert_eq!(did_you_mean("ngnix"), "; did you mean `nginx`?");
        assert_eq!(did_you_mean("completely-unrelated-words"), "");
    }
}
