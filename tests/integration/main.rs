//! The integration tests, one binary (as ripgrep does): a module per area,
//! named as the file it was (`cargo test --test integration cli::` runs
//! one). `common` holds the helpers they share.

#[macro_use]
mod common;

mod adoption;
mod adoption_cli;
mod any_folder;
mod baseline_upgrade;
mod classification;
mod cli;
mod cli_input;
mod cli_surface;
mod container;
mod corpus;
mod diff;
mod directive_table;
mod dns_corpus;
mod drift;
mod drift_debian;
mod drift_live;
mod exports;
mod fix;
mod fixtures;
mod format_snapshots;
mod formats;
mod fuzz_stable;
mod gixy_yardstick;
#[cfg(unix)]
mod hostile;
#[cfg(unix)]
mod hostile_pr;
mod layers;
#[cfg(unix)]
mod lsp;
mod nginx_agreement;
mod nginx_refusals;
mod octodns_oracle;
mod output_stability;
mod packaging;
mod pre_commit;
mod real_repos;
mod real_trees;
mod repository;
mod schema;
mod snapshots;
mod tls;
mod workflows;
