//! What providers add to records beyond plain DNS: pseudo-records
//! (aliases, Cloudflare proxying and flattening) and routing policies
//! (weights, failover, health checks, regions). Kept on the record so a
//! migration compares them instead of silently dropping them.

/// What a provider does with a record beyond plain DNS. Never dropped: a
/// migration has to carry it over or replace it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pseudo {
    /// Route 53 alias (`AliasTarget`, cli53's `AWS ALIAS`).
    Route53Alias(Box<Route53Alias>),
    /// Cloudflare proxied: clients get Cloudflare's addresses, not this value.
    CloudflareProxied,
    /// A CNAME at the apex that the provider answers as A/AAAA (Cloudflare flattening).
    FlattenedCname,
    /// ALIAS/ANAME (octoDNS `ALIAS`): resolved by the provider.
    Alias,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route53Alias {
    pub hosted_zone_id: String,
    pub evaluate_target_health: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ProviderData {
    /// Routing set identifier (Route 53 `SetIdentifier`): records of one
    /// name and type in different sets are different RRsets.
    pub set_id: Option<Box<str>>,
    pub pseudo: Option<Pseudo>,
    /// A routing set's policy: weight, failover role, health check,
    /// region; octoDNS's `dynamic` rules and `octodns:` metadata.
    pub routing: Option<Routing>,
}

impl ProviderData {
    /// `None` when there is nothing provider-specific to keep.
    pub fn boxed(set_id: Option<Box<str>>, pseudo: Option<Pseudo>) -> Option<Box<ProviderData>> {
        ProviderData {
            set_id,
            pseudo,
            routing: None,
        }
        .into_box()
    }

    /// A zone-file record's provider data: the pseudo-record its syntax
    /// or comment made it, and cli53's routing comment.
    pub fn from_comment(
        comment: Option<&str>,
        pseudo: Option<Pseudo>,
    ) -> Option<Box<ProviderData>> {
        let (set_id, routing) = comment.and_then(cli53_routing).unwrap_or_default();
        ProviderData {
            set_id,
            pseudo,
            routing,
        }
        .into_box()
    }

    /// `None` when there is nothing provider-specific to keep.
    pub fn into_box(self) -> Option<Box<ProviderData>> {
        (self.set_id.is_some() || self.pseudo.is_some() || self.routing.is_some())
            .then(|| Box::new(self))
    }
}

/// A routing policy: `key=value` pairs, keys lower-cased and sorted, so
/// that the same policy compares equal however its source wrote it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Routing(Box<[(Box<str>, Box<str>)]>);

impl Routing {
    /// The policy of `pairs` (empty values dropped), or `None` if none is left.
    pub fn new<K: AsRef<str>>(pairs: impl IntoIterator<Item = (K, String)>) -> Option<Routing> {
        let mut pairs: Vec<(Box<str>, Box<str>)> = pairs
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.as_ref().to_ascii_lowercase().into(), v.into()))
            .collect();
        pairs.sort();
        pairs.dedup_by(|a, b| a.0 == b.0);
        (!pairs.is_empty()).then(|| Routing(pairs.into_boxed_slice()))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| &**k == key).map(|(_, v)| &**v)
    }

    /// What differs between two policies, key by key: `weight 90 → 0`,
    /// `healthcheckid 6bb5… → none`.
    pub fn changes(old: Option<&Routing>, new: Option<&Routing>) -> Vec<String> {
        let mut keys: Vec<&str> = [old, new]
            .into_iter()
            .flatten()
            .flat_map(|r| r.0.iter().map(|(k, _)| &**k))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let value = |r: Option<&Routing>, key: &str| {
            r.and_then(|r| r.get(key)).map_or_else(
                || "none".to_string(),
                |v| crate::finding::shortened(v).into_owned(),
            )
        };
        keys.into_iter()
            .filter(|k| old.and_then(|r| r.get(k)) != new.and_then(|r| r.get(k)))
            .map(|k| format!("{k} {} → {}", value(old, k), value(new, k)))
            .collect()
    }
}

impl std::fmt::Display for Routing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{k}={v}")?;
        }
        Ok(())
    }
}

/// A Route 53 routing policy, read from the JSON export or from cli53's
/// comments, so both give the same canonical line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route53Routing {
    pub weight: Option<i64>,
    pub failover: Option<String>,
    pub health_check_id: Option<String>,
    pub region: Option<String>,
    pub continent_code: Option<String>,
    pub country_code: Option<String>,
    pub subdivision_code: Option<String>,
    pub multivalue: bool,
    /// Newer policies (CIDR, geoproximity), as `key=value` pairs.
    pub other: Vec<(&'static str, String)>,
}

impl Route53Routing {
    /// The policy's name as cli53 writes it (`routing="WEIGHTED"`), in the
    /// order Route 53 and cli53 decide it.
    fn kind(&self) -> Option<&'static str> {
        if self.failover.is_some() {
            Some("FAILOVER")
        } else if self.weight.is_some() {
            Some("WEIGHTED")
        } else if self.region.is_some() {
            Some("LATENCY")
        } else if self.continent_code.is_some()
            || self.country_code.is_some()
            || self.subdivision_code.is_some()
        {
            Some("GEOLOCATION")
        } else if self.multivalue {
            Some("MULTIVALUE")
        } else {
            None
        }
    }

    /// `healthcheckid=… routing=WEIGHTED weight=90`, or `None` for a
    /// simple record.
    pub fn routing(&self) -> Option<Routing> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut pairs = vec![
            ("routing", self.kind().unwrap_or_default().to_string()),
            (
                "weight",
                self.weight.map(|w| w.to_string()).unwrap_or_default(),
            ),
            ("failover", text(&self.failover).to_ascii_uppercase()),
            ("healthcheckid", text(&self.health_check_id)),
            ("region", text(&self.region)),
            (
                "continentcode",
                text(&self.continent_code).to_ascii_uppercase(),
            ),
            ("countrycode", text(&self.country_code).to_ascii_uppercase()),
            (
                "subdivisioncode",
                text(&self.subdivision_code).to_ascii_uppercase(),
            ),
        ];
        pairs.extend(self.other.iter().cloned());
        Routing::new(pairs)
    }
}

/// cli53's routing comment, `AWS routing="WEIGHTED" weight=90
/// healthCheckId="…" identifier="blue"`: the set identifier and the policy.
pub fn cli53_routing(comment: &str) -> Option<(Option<Box<str>>, Option<Routing>)> {
    let start = comment.find("AWS routing=")?;
    let pairs = key_values(&comment[start + 4..]);
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone())
    };
    let routing = Route53Routing {
        weight: get("weight").and_then(|w| w.parse().ok()),
        failover: get("failover"),
        health_check_id: get("healthCheckId"),
        region: get("region"),
        continent_code: get("continentCode"),
        country_code: get("countryCode"),
        // cli53 writes `subdivisionCode` and, up to now, reads `subdivisonCode`.
        subdivision_code: get("subdivisionCode").or_else(|| get("subdivisonCode")),
        multivalue: get("routing").is_some_and(|r| r.eq_ignore_ascii_case("MULTIVALUE")),
        other: Vec::new(),
    };
    Some((get("identifier").map(Box::from), routing.routing()))
}

/// `key="quoted value" key=bare` pairs, in order; a quoted value may
/// escape `"` and `\` with a backslash.
fn key_values(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = text.trim_start();
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().to_string();
        let after = &rest[eq + 1..];
        let (value, next) = match after.strip_prefix('"') {
            Some(quoted) => {
                let mut value = String::new();
                let mut chars = quoted.char_indices();
                let mut end = quoted.len();
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => value.extend(chars.next().map(|(_, c)| c)),
                        '"' => {
                            end = i + 1;
                            break;
                        }
                        c => value.push(c),
                    }
                }
                (value, &quoted[end..])
            }
            None => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (after[..end].to_string(), &after[end..])
            }
        };
        if key.is_empty() || key.contains(char::is_whitespace) {
            break;
        }
        pairs.push((key, value));
        rest = next.trim_start();
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli53_comment_and_json_fields_give_one_line() {
        let (id, line) = cli53_routing(
            r#"AWS routing="FAILOVER" failover="PRIMARY" healthCheckId="6bb57c41" identifier="The First""#,
        )
        .expect("routing comment");
        assert_eq!(id.as_deref(), Some("The First"));
        let from_json = Route53Routing {
            failover: Some("PRIMARY".into()),
            health_check_id: Some("6bb57c41".into()),
            ..Route53Routing::default()
        };
        assert_eq!(line, from_json.routing());
        assert_eq!(
            line.map(|l| l.to_string()).as_deref(),
            Some("failover=PRIMARY healthcheckid=6bb57c41 routing=FAILOVER")
        );
    }

    #[test]
    fn cli53_weights_multivalue_and_geolocation() {
        let weight = |c: &str| {
            cli53_routing(c)
                .and_then(|(_, line)| line)
                .map(|l| l.to_string())
        };
        assert_eq!(
            weight(r#"AWS routing="WEIGHTED" weight=90 identifier="blue""#).as_deref(),
            Some("routing=WEIGHTED weight=90")
        );
        assert_ne!(
            weight(r#"AWS routing="WEIGHTED" weight=90 identifier="blue""#),
            weight(r#"AWS routing="WEIGHTED" weight=0 identifier="blue""#)
        );
        assert_eq!(
            weight(r#"AWS routing="MULTIVALUE" identifier="a""#).as_deref(),
            Some("routing=MULTIVALUE")
        );
        assert_eq!(
            weight(r#"AWS routing="GEOLOCATION" countryCode="gb" identifier="UK""#).as_deref(),
            Some("countrycode=GB routing=GEOLOCATION")
        );
        assert_eq!(cli53_routing("cf_tags=cf-proxied:true"), None);
    }

    #[test]
    fn routing_changes_name_each_key() {
        let old = Routing::new([
            ("weight", "90".to_string()),
            ("healthcheckid", "abc".to_string()),
        ]);
        let new = Routing::new([("weight", "0".to_string())]);
        assert_eq!(
            Routing::changes(old.as_ref(), new.as_ref()),
            vec!["healthcheckid abc → none", "weight 90 → 0"]
        );
        assert!(Routing::changes(old.as_ref(), old.as_ref()).is_empty());
        assert_eq!(Routing::new([("k", String::new())]), None);
    }

    #[test]
    fn key_values_unescape_and_stop_at_junk() {
        assert_eq!(
            key_values(r#"a="x \"y\"" b=2 trailing words"#),
            vec![
                ("a".to_string(), "x \"y\"".to_string()),
                ("b".to_string(), "2".to_string())
            ]
        );
    }
}
