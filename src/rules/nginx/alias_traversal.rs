//! `alias` in a location whose match does not end where the alias path
//! ends: `location /media { alias /srv/media/; }` serves `/media../secret`
//! from `/srv/media/../secret`, one folder up — every file beside the
//! aliased folder can be read. The regex form (`location ~ /img(.*)` with
//! `alias /srv/img/$1`) leaks the same way.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::{location, Location, Modifier};
use crate::nginx::model::{Arg, Model};
use crate::nginx::regex::{self, Before};
use crate::nginx::script::{pieces, Piece, Resolver};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/alias-traversal",
    default_severity: Severity::Warning,
    summary: "alias in a location that does not end with / lets /prefix../ read the folder above",
    doc: include_str!("../../../rules/nginx/alias-traversal.md"),
    aliases: &["gixy/alias_traversal"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    let mut resolver = Resolver::new(model);
    for (_, d) in model.named("alias") {
        let Some(arg) = model.arg(d, 0) else {
            continue;
        };
        let Some((_, loc_d)) = model.enclosing_named(d.block, &["location"]) else {
            continue;
        };
        let Some(loc) = location(model, loc_d) else {
            continue;
        };
        let found = match loc.modifier {
            Modifier::Prefix | Modifier::PrefixNoRegex => prefix(&loc, arg),
            Modifier::Regex | Modifier::RegexCaseless => regex_location(&mut resolver, &loc, arg),
            Modifier::Exact | Modifier::Named => None,
        };
        let Some((severity, message, help)) = found else {
            continue;
        };
        let mut finding =
            Finding::new(&RULE, arg.span, message, help).related(loc_d.stmt_span, "the location");
        finding.severity = severity;
        out.report(super::context::included_from(model, d, finding));
    }
}

type Found = (Severity, String, String);

/// `location /media { alias /srv/media/; }`: the request's rest after
/// `/media` is appended to the alias, `..` and all.
fn prefix(loc: &Location<'_>, arg: &Arg) -> Option<Found> {
    if loc.path.ends_with('/') || loc.path.is_empty() {
        return None;
    }
    let alias = &*arg.value;
    let folder = alias.trim_end_matches('/');
    let parent = match folder.rsplit_once('/') {
        Some(("", _)) => "/".to_string(),
        Some((p, _)) => p.to_string(),
        None => format!("the folder above {folder}"),
    };
    let help = format!(
        "end both with a slash: `location {}/ {{ alias {folder}/; }}`",
        loc.path
    );
    // With a slash at the end of the alias, `/media../x` reaches the
    // parent folder; without, only folders whose names start alike.
    if alias.ends_with('/') {
        Some((
            Severity::Warning,
            format!(
                "location {} does not end with / but its alias {alias} does: a request for {}.. is served from {alias}.., the folder above, so every file in {parent} can be read",
                loc.path, loc.path
            ),
            help,
        ))
    } else {
        // Without the slash only names that start alike are reached
        // (`/media.bak`): worth fixing, not a traversal.
        Some((
            Severity::Info,
            format!(
                "location {} does not end with /: a request for {}_other is served from {folder}_other, so files and folders beside {folder} whose names start with its name can be read",
                loc.path, loc.path
            ),
            help,
        ))
    }
}

/// `location ~ /img(.*) { alias /srv/img/$1; }`: a capture that can start
/// with `.` (or lacks a `/` before it) reaches outside the folder.
fn regex_location(resolver: &mut Resolver<'_>, loc: &Location<'_>, arg: &Arg) -> Option<Found> {
    let pattern = resolver.pattern(loc.path, loc.modifier == Modifier::RegexCaseless)?;
    let mut previous: Option<String> = None;
    for piece in pieces(&arg.value) {
        let group = match &piece {
            Piece::Text(t) => {
                previous = Some(t.to_string());
                continue;
            }
            Piece::Capture(n) => Some(*n).filter(|&n| n <= pattern.captures()),
            Piece::Variable(v) => pattern.named(v),
        };
        let Some(group) = group else {
            previous = Some(String::new());
            continue;
        };
        let Some(expr) = pattern.group(group) else {
            continue;
        };
        let written = match &piece {
            Piece::Capture(n) => format!("${n}"),
            Piece::Variable(v) => format!("${v}"),
            Piece::Text(_) => String::new(),
        };
        let slash_in_location =
            pattern.before(group) == Before::Char('/') || regex::must_start_with(expr, '/');
        let slash_in_alias = previous.as_deref().is_some_and(|p| p.ends_with('/'));
        let found = match &previous {
            None => Some(Severity::Warning),
            Some(_) if slash_in_location => {
                (!slash_in_alias && !regex::must_start_with(expr, '/')).then_some(Severity::Warning)
            }
            Some(_) if slash_in_alias => {
                regex::can_start_with(expr, '.').then_some(Severity::Warning)
            }
            Some(_) => (!regex::must_start_with(expr, '/')).then_some(Severity::Warning),
        };
        if let Some(severity) = found {
            let how = if slash_in_alias {
                format!("{written} can start with `..` (nginx decodes `%2e`), so a `..` in the request climbs out of the aliased folder")
            } else {
                format!("{written} follows the folder name without a `/` between them, so a request reaches files and folders beside {} whose names start alike", previous.as_deref().unwrap_or(""))
            };
            return Some((
                severity,
                format!("alias {} in a regex location: {how}", arg.value),
                "capture only what follows a `/` in the location (`location ~ ^/img/(.*)$`) and write the alias folder with its slash (`alias /srv/img/$1;`)".to_string(),
            ));
        }
        previous = Some(written);
    }
    None
}
