//! Migration rules: findings of `tripline diff OLD NEW`, each over one
//! pair of zones as `crate::migration` compared them.

pub mod changed_record;
pub mod extra_record;
pub mod extra_zone;
pub mod mass_deletion;
pub mod missing_record;
pub mod missing_zone;
pub mod non_portable_record;
pub mod ttl_changed;
pub mod ttl_not_lowered;

use crate::dns::model::Zone;
use crate::source::Span;

/// The start of a zone's file: where zone-wide findings point.
pub fn zone_start(zone: &Zone) -> Span {
    Span::new(zone.file, 0, 0)
}
