//! DNS zone rules.

pub mod cname_conflict;
pub mod dangling_target;
pub mod duplicate_record;
pub mod invalid_suppression;
pub mod long_negative_ttl;
pub mod long_ttl;
pub mod missing_apex_records;
pub mod missing_glue;
pub mod multiple_soa;
pub mod no_default_ttl;
pub mod out_of_zone_data;
pub mod rrset_ttl_mismatch;
pub mod single_dns_provider;
pub mod soa_timers;
pub mod syntax_error;
pub mod target_is_cname;
pub mod too_few_nameservers;

/// `86400` → `1 day`, `5400` → `1 hour 30 minutes`.
pub fn human_duration(seconds: u32) -> String {
    if seconds == 0 {
        return "0 seconds".into();
    }
    let units = [
        (604_800, "week"),
        (86_400, "day"),
        (3600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let mut rest = seconds;
    let mut parts = Vec::new();
    for (size, name) in units {
        let n = rest / size;
        if n > 0 && parts.len() < 2 {
            parts.push(if n == 1 {
                format!("1 {name}")
            } else {
                format!("{n} {name}s")
            });
            rest -= n * size;
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::human_duration(86_400), "1 day");
        assert_eq!(super::human_duration(5400), "1 hour 30 minutes");
        assert_eq!(super::human_duration(90_061), "1 day 1 hour");
        assert_eq!(super::human_duration(45), "45 seconds");
    }
}
