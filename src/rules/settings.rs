//! What the rules are told by the user's settings (`tripline.toml` and
//! the command line), asked through this trait so that the rules need not
//! know the settings file: `crate::config` implements it.

use crate::nginx::directives::Version;

pub trait Settings: Sync {
    /// `[dns] max-ttl`: the longest TTL that is not reported.
    fn max_ttl(&self) -> u32;
    /// `[tls] warn-days` and `error-days`: how soon an expiry is a warning,
    /// then an error.
    fn expiry_days(&self) -> (u32, u32);
    /// `[migration] cutover-ttl`: the TTL to lower records to before a move.
    fn cutover_ttl(&self) -> u32;
    /// `[nginx] version`, else the newest stable.
    fn nginx_version(&self) -> Version;
    /// The version as the user wrote it, for messages.
    fn nginx_version_text(&self) -> String;
    /// `[nginx] modules`: dynamic modules the build loads.
    fn nginx_modules(&self) -> &[String];
    /// `[nginx] directives`: directive names to accept as known.
    fn nginx_directives(&self) -> &[String];
    /// `[nginx] flavor` (`openresty`).
    fn nginx_flavor(&self) -> Option<&str>;
}
