//! nginx rules.

pub mod conflicting_server_name;
pub mod duplicate_default_server;
pub mod include_cycle;
pub mod include_not_found;
pub mod include_outside_tree;
pub mod invalid_suppression;
pub mod missing_default_server;
pub mod proxy_pass_static_dns;
pub mod single_upstream_server;
pub mod ssl_without_certificate;
pub mod syntax_error;
