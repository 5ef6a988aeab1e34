//! What the language server knows between messages: the documents the
//! editor has open (their unsaved text stands in for the disk's) and the
//! last check of each, kept for its quick fixes.

use super::convert::{self, LineIndex};
use crate::cli::Cli;
use crate::command_error::CommandError as AppError;
use crate::config::Config;
use crate::finding::Located;
use crate::fix::{Context, Verdict};
use crate::pipeline::{check_paths, CheckOptions, CheckResult};
use crate::registry;
use lsp_types::{
    CodeActionOrCommand, CodeActionParams, Diagnostic, DiagnosticSeverity, Hover, HoverContents,
    HoverParams, MarkupContent, MarkupKind, PublishDiagnosticsParams, Range, Url,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The file the settings live in: a change to it rechecks every document.
const SETTINGS_FILE: &str = "tripline.toml";

pub struct Session<'a> {
    cli: &'a Cli,
    documents: BTreeMap<Url, Document>,
    /// Documents to check again before the next answer.
    stale: BTreeSet<Url>,
    /// Documents closed since the last answer: their diagnostics to withdraw.
    closed: Vec<Url>,
    /// The checks' notes not yet sent to the editor's log.
    log: Vec<String>,
    /// Files read and sniffed in earlier checks, kept while unchanged on
    /// disk: a keystroke rechecks one buffer, not the whole tree's files.
    warm: std::sync::Arc<crate::tree::Warm>,
}

struct Document {
    /// The absolute path the editor's text stands for.
    path: PathBuf,
    version: i32,
    text: String,
    /// The last check of this text.
    checked: Option<Checked>,
}

/// A check and what it ran with, to check a fix again in the same run.
struct Checked {
    version: i32,
    config: Config,
    options: CheckOptions,
    result: CheckResult,
    /// Whether each fix (finding index, fix index) passed its check: an
    /// editor asks for code actions at every move of the cursor.
    verdicts: HashMap<(usize, usize), bool>,
}

impl<'a> Session<'a> {
    pub fn new(cli: &'a Cli) -> Self {
        Session {
            cli,
            documents: BTreeMap::new(),
            stale: BTreeSet::new(),
            closed: Vec::new(),
            log: Vec::new(),
            warm: std::sync::Arc::new(crate::tree::Warm::watching()),
        }
    }

    /// The editor opened `uri` (a file: other schemes are not on disk, so
    /// they have no repository to be checked in).
    pub fn open(&mut self, uri: Url, version: i32, text: String) {
        let Ok(path) = uri.to_file_path() else {
            return;
        };
        let path = crate::root::absolute(&path);
        self.documents.insert(
            uri.clone(),
            Document {
                path,
                version,
                text,
                checked: None,
            },
        );
        self.stale.insert(uri);
    }

    /// The editor's text of `uri` is now `text`.
    pub fn change(&mut self, uri: &Url, version: i32, text: String) {
        if let Some(document) = self.documents.get_mut(uri) {
            document.version = version;
            document.text = text;
            self.stale.insert(uri.clone());
        }
    }

    /// `uri` was written to disk (or changed there): what other documents
    /// read of it is new, and so are the settings when it holds them.
    pub fn saved(&mut self, uri: &Url) {
        let is_settings = (uri.to_file_path().ok())
            .is_some_and(|p| p.file_name().is_some_and(|n| n == SETTINGS_FILE));
        if is_settings || self.documents.contains_key(uri) {
            self.recheck_all();
        }
    }

    /// Files changed on disk, or the settings did: check everything again.
    pub fn recheck_all(&mut self) {
        self.stale.extend(self.documents.keys().cloned());
    }

    /// The editor closed `uri`: its diagnostics go with it.
    pub fn close(&mut self, uri: &Url) {
        self.stale.remove(uri);
        if self.documents.remove(uri).is_some() {
            self.closed.push(uri.clone());
        }
    }

    /// Checks every stale document; what to publish for each, and for each
    /// closed one (nothing).
    pub fn publish_stale(&mut self) -> Vec<PublishDiagnosticsParams> {
        let closed = std::mem::take(&mut self.closed);
        let withdrawn: Vec<PublishDiagnosticsParams> = (closed.into_iter())
            .filter(|uri| !self.documents.contains_key(uri))
            .map(|uri| PublishDiagnosticsParams::new(uri, Vec::new(), None))
            .collect();
        let stale = std::mem::take(&mut self.stale);
        let checked: Vec<PublishDiagnosticsParams> = stale
            .into_iter()
            .filter_map(|uri| {
                let diagnostics = self.diagnostics(&uri)?;
                let version = self.documents.get(&uri).map(|d| d.version);
                Some(PublishDiagnosticsParams::new(uri, diagnostics, version))
            })
            .collect();
        withdrawn.into_iter().chain(checked).collect()
    }

    /// The checks' notes since the last call (files skipped and why).
    pub fn take_log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.log)
    }

    /// The diagnostics of `uri`, checked now unless its text was checked.
    fn diagnostics(&mut self, uri: &Url) -> Option<Vec<Diagnostic>> {
        let problem = self.ensure_checked(uri).err();
        let document = self.documents.get(uri)?;
        if let Some(problem) = problem {
            // A broken tripline.toml: say so where the user is looking.
            return Some(vec![Diagnostic {
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("tripline".to_string()),
                message: problem.to_string(),
                ..Diagnostic::default()
            }]);
        }
        let checked = document.checked.as_ref()?;
        let sources = &checked.result.sources;
        Some(
            own_findings(document, &checked.result)
                .map(|f| convert::diagnostic(f, sources))
                .collect(),
        )
    }

    /// Checks `uri` unless its current text was checked.
    fn ensure_checked(&mut self, uri: &Url) -> Result<(), AppError> {
        let Some(document) = self.documents.get(uri) else {
            return Ok(());
        };
        if (document.checked.as_ref()).is_some_and(|c| c.version == document.version) {
            return Ok(());
        }
        let checked = self.check(document)?;
        // Why a file was skipped, or what was assumed: the editor's log.
        self.log.extend(checked.result.notes.iter().cloned());
        if let Some(document) = self.documents.get_mut(uri) {
            // The last check's models and sources are freed while the
            // diagnostics go out (a few milliseconds on a 2,000-site tree).
            if let Some(earlier) = document.checked.replace(checked) {
                crate::parallel::drop_in_background(earlier);
            }
        }
        Ok(())
    }

    /// `check FILE` in the file's repository, the editor's text read in
    /// place of the disk's, for this file and every other open one.
    fn check(&self, document: &Document) -> Result<Checked, AppError> {
        // The cap every file read from disk has.
        let limit = crate::tree::MAX_FILE_BYTES;
        if document.text.len() as u64 > limit {
            let mb = limit >> 20;
            return Err(AppError::Server(format!("more than {mb} MB: not checked")));
        }
        let start = document.path.parent().unwrap_or(Path::new("/"));
        let config = self.cli.config_from(start)?;
        let buffers = (self.documents.values())
            .filter(|other| other.path != document.path && other.text.len() as u64 <= limit)
            .map(|other| (other.path.clone(), other.text.clone().into_bytes()))
            .collect();
        let options = CheckOptions {
            stdin: Some((document.path.clone(), document.text.clone().into_bytes())),
            buffers,
            warm: Some(self.warm.clone()),
            ..self.cli.base_options()
        };
        let result = check_paths(std::slice::from_ref(&document.path), &config, &options)?;
        Ok(Checked {
            version: document.version,
            config,
            options,
            result,
            verdicts: HashMap::new(),
        })
    }

    /// The quick fixes for the findings in `range`, each checked again
    /// with its edits applied before it is offered.
    pub fn code_actions(
        &mut self,
        params: &CodeActionParams,
    ) -> Result<Vec<CodeActionOrCommand>, AppError> {
        let uri = &params.text_document.uri;
        self.ensure_checked(uri)?;
        let Some(document) = self.documents.get_mut(uri) else {
            return Ok(Vec::new());
        };
        let Some(checked) = &mut document.checked else {
            return Ok(Vec::new());
        };
        let Checked {
            config,
            options,
            result,
            verdicts,
            ..
        } = checked;
        let path = &document.path;
        let context = Context {
            paths: std::slice::from_ref(path),
            config,
            options,
        };
        let mut actions = Vec::new();
        for (index, finding) in result.findings.iter().enumerate() {
            if finding.fixes.is_empty() || !is_in(path, finding, result) {
                continue;
            }
            let diagnostic = convert::diagnostic(finding, &result.sources);
            if !overlaps(diagnostic.range, params.range) {
                continue;
            }
            for (nth, fix) in finding.fixes.iter().enumerate() {
                let accepted = match verdicts.get(&(index, nth)) {
                    Some(&accepted) => accepted,
                    None => {
                        let verdict = context.verify(result, &[fix], &[finding])?;
                        let accepted = matches!(verdict, Verdict::Accepted(..));
                        verdicts.insert((index, nth), accepted);
                        accepted
                    }
                };
                if accepted {
                    actions.extend(
                        convert::code_action(fix, diagnostic.clone(), &result.sources)
                            .map(CodeActionOrCommand::CodeAction),
                    );
                }
            }
        }
        Ok(actions)
    }

    /// A rule id under the cursor (in a suppression comment, in
    /// tripline.toml): the rule's doc, as `tripline explain` prints it.
    pub fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let at = &params.text_document_position_params;
        let text = self.documents.get(&at.text_document.uri)?.text.as_bytes();
        let index = LineIndex::new(text);
        let offset = index.offset(at.position);
        let is_id_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'/');
        let start = text[..offset]
            .iter()
            .rposition(|b| !is_id_byte(b))
            .map_or(0, |i| i + 1);
        let end = (text[offset..].iter())
            .position(|b| !is_id_byte(b))
            .map_or(text.len(), |i| offset + i);
        let word = std::str::from_utf8(&text[start..end]).ok()?;
        let rule = registry::find(word.trim_matches('/'))?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: rule.doc.trim_end().to_string(),
            }),
            range: Some(index.range(start, end)),
        })
    }
}

/// The findings of the run that are in the document itself.
fn own_findings<'r>(
    document: &'r Document,
    result: &'r CheckResult,
) -> impl Iterator<Item = &'r Located> {
    (result.findings.iter()).filter(move |f| is_in(&document.path, f, result))
}

/// Whether `finding` is in the file at `path` (absolute).
fn is_in(path: &Path, finding: &Located, result: &CheckResult) -> bool {
    crate::root::absolute(&result.sources.get(finding.span.file).path) == path
}

/// Whether two ranges share a position (an empty range, the cursor, is in
/// the finding it touches).
fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}
