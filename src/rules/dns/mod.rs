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

pub use crate::human::duration as human_duration;
