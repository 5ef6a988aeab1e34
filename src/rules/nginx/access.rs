//! nginx's access phase as the rules about it read it: the `allow`/`deny`
//! rules in effect in a block (a block with any of its own inherits none),
//! `satisfy`, and the authentication modules.

use crate::nginx::model::{Model, Occurrence};

/// Modules that authenticate in the access phase.
pub const AUTH: &[&str] = &["auth_basic", "auth_request", "auth_jwt", "auth_oidc"];

/// The `allow`/`deny` directives in effect in a block, in order, and the
/// block that declares them.
pub fn rules_in_effect(model: &Model, block: u32) -> Vec<&Occurrence> {
    let mut b = Some(block);
    while let Some(current) = b {
        let mut own: Vec<(u32, &Occurrence)> = model.in_block(current, "allow");
        own.extend(model.in_block(current, "deny"));
        if !own.is_empty() {
            own.sort_by_key(|(i, _)| *i);
            return own.into_iter().map(|(_, d)| d).collect();
        }
        b = model.parent_block(current);
    }
    Vec::new()
}

/// `satisfy any` in effect.
pub fn satisfy_any(model: &Model, block: u32) -> bool {
    model
        .effective(block, "satisfy")
        .and_then(|(_, d)| model.arg(d, 0))
        .is_some_and(|a| a.value.eq_ignore_ascii_case("any"))
}

/// An authentication module in effect (not turned `off`).
pub fn authenticates(model: &Model, block: u32) -> bool {
    AUTH.iter().any(|name| {
        model
            .effective(block, name)
            .and_then(|(_, d)| model.arg(d, 0))
            .is_some_and(|a| !a.value.eq_ignore_ascii_case("off"))
    })
}
