//! The zone files a run reads, each once per zone it is loaded as, with
//! the origin that zone has.

use crate::config::Config;
use crate::discover;
use crate::dns;
use crate::pipeline::{CheckOptions, Error as AppError};
use crate::project::{self, FileKind, Role};
use crate::tree::Tree;
use std::path::{Path, PathBuf};

/// A zone file once per zone it is loaded as: `--origin` or `[[per-path]]`
/// first, then what server configurations say, else what the file says.
pub(super) fn zone_input(
    record: &project::FileRecord,
    config: &Config,
    options: &CheckOptions,
) -> Vec<dns::ZoneInput> {
    let input = |origin| dns::ZoneInput {
        path: record.path.clone(),
        origin,
    };
    match options.origin_for(config, &record.path) {
        Some(given) => vec![input(Some(given))],
        None if record.origins.is_empty() => vec![input(None)],
        None => record
            .origins
            .iter()
            .cloned()
            .map(|o| input(Some(o)))
            .collect(),
    }
}

/// The zone files of one side of `tripline diff`: a file as given (whatever
/// its name), or the zones of a folder as the repository model finds them,
/// with the origins their server configurations give them.
pub fn zone_inputs(
    path: &Path,
    tree: &Tree,
    config: &Config,
    options: &CheckOptions,
) -> Result<Vec<dns::ZoneInput>, AppError> {
    let (folders, named): (Vec<PathBuf>, Vec<PathBuf>) = if path.is_dir() {
        (vec![path.to_path_buf()], Vec::new())
    } else {
        (Vec::new(), vec![path.to_path_buf()])
    };
    let listing = discover::list(&folders, &named, tree, &discover::Options::default())?;
    let anchor = if path.is_dir() {
        crate::root::absolute(path)
    } else {
        crate::root::absolute(path.parent().unwrap_or(Path::new(".")))
    };
    let inventory = project::build(
        &listing.files,
        &anchor,
        tree,
        &project::Options {
            force_kind: Some(FileKind::Zone),
            origin_given: options.origin.is_some(),
            jobs: options.jobs,
            // The listing holds only what `diff` compares: all of it.
            folders_asked: true,
        },
    );
    let inputs: Vec<dns::ZoneInput> = inventory
        .of_kind(FileKind::Zone)
        .filter(|r| r.role != Role::ZoneFragment)
        .flat_map(|r| zone_input(r, config, options))
        .collect();
    if inputs.is_empty() {
        return Err(AppError::NoZones(crate::source::display_path(path)));
    }
    Ok(inputs)
}
