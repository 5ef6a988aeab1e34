//! `$GENERATE` as BIND expands it: `start-stop[/step]` ranges of 32 bits,
//! `$` and `${offset,width,base}` in the owner and RDATA, within budgets of
//! records and bytes per zone so that one line cannot ask for gigabytes.

use super::{Parser, State};
use crate::dns::lexer::{Entry, Src};
use crate::source::FileId;

/// Records the `$GENERATE` lines of one zone may produce together.
const MAX_GENERATED: u64 = 65_536;
/// Text the `$GENERATE` lines of one zone may produce together: a 41-byte
/// line asking for 65,536 owners of 65,535 characters is 4 GB otherwise.
const MAX_GENERATED_BYTES: usize = 4 << 20;
/// The widest `${offset,width,base}` field: names are at most 255 octets.
const MAX_GENERATE_WIDTH: usize = 255;

impl Parser<'_> {
    pub(super) fn generate(&mut self, file: FileId, src: &[u8], entry: &Entry, state: &mut State) {
        let tokens = &entry.tokens;
        let whole = Self::entry_span(file, entry);
        if tokens.len() < 4 {
            self.error(whole, "$GENERATE needs a range, an owner, a type and RDATA");
            return;
        }
        let range = tokens[1].text(src).into_owned();
        let Some((start, stop, step)) = parse_range(&range) else {
            self.error(
                Self::span(file, &tokens[1]),
                format!("bad $GENERATE range `{range}`: start-stop[/step], start <= stop < 2^32, step >= 1"),
            );
            return;
        };
        let count = (stop - start) / step + 1;
        if self.budgets.generated_records.saturating_add(count) > MAX_GENERATED {
            self.error(
                Self::span(file, &tokens[1]),
                format!("$GENERATE range `{range}` makes {count} records; tripline expands at most {MAX_GENERATED} per zone"),
            );
            return;
        }
        self.budgets.generated_records += count;
        let templates: Vec<String> = tokens[2..]
            .iter()
            .map(|t| t.text(src).into_owned())
            .collect();
        let body = Entry {
            tokens: tokens[2..].to_vec(),
            blank_owner: false,
            line_start: entry.line_start,
            comment: None,
        };
        let texts = match expand(&templates, start) {
            Ok(texts) => texts,
            Err(message) => {
                self.error(whole, message);
                return;
            }
        };
        // A line that cannot fit the budget is refused whole, before
        // megabytes of it are expanded only to be dropped.
        let at_least = lower_bound_bytes(&templates, (start, step, count), &texts);
        if at_least.saturating_add(self.budgets.generated_bytes as u64) > MAX_GENERATED_BYTES as u64
        {
            self.generate_budget_spent(whole);
            return;
        }
        let mut texts = Some(texts);
        let mut n = start;
        loop {
            let texts = match texts.take() {
                Some(first) => first,
                None => match expand(&templates, n) {
                    Ok(texts) => texts,
                    Err(message) => {
                        self.error(whole, message);
                        return;
                    }
                },
            };
            let size: usize = texts.iter().map(String::len).sum();
            self.budgets.generated_bytes = self.budgets.generated_bytes.saturating_add(size);
            if self.budgets.generated_bytes > MAX_GENERATED_BYTES {
                self.generate_budget_spent(whole);
                return;
            }
            self.record(
                file,
                Src::unvalidated(src),
                &body,
                &body.tokens,
                state,
                Some(&texts),
            );
            match n.checked_add(step) {
                Some(next) if next <= stop => n = next,
                _ => break,
            }
        }
    }

    /// Reported once per zone: the lines past the byte budget are not
    /// expanded.
    fn generate_budget_spent(&mut self, whole: crate::source::Span) {
        if !self.budgets.generate_budget_reported {
            self.budgets.generate_budget_reported = true;
            self.error(
                whole,
                format!(
                    "$GENERATE makes more than {} MB of records in one zone; the rest is not expanded",
                    MAX_GENERATED_BYTES >> 20
                ),
            );
        }
    }
}

/// One record's token texts for the number `n`.
fn expand(templates: &[String], n: u64) -> Result<Vec<String>, String> {
    templates.iter().map(|t| substitute(t, n)).collect()
}

/// Points of the range whose records are sized to bound the whole line's.
const SAMPLES: u64 = 64;

/// At least how many bytes a `$GENERATE` line makes. Numbers only grow
/// along the range and a record only gets longer with them, so each of a
/// few evenly spaced records, times the records up to the next one, is a
/// lower bound of what they make; `first` is the first record's texts.
fn lower_bound_bytes(
    templates: &[String],
    (start, step, count): (u64, u64, u64),
    first: &[String],
) -> u64 {
    let size = |texts: &[String]| texts.iter().map(String::len).sum::<usize>() as u64;
    let samples = count.min(SAMPLES);
    let index = |i: u64| i * count / samples;
    let mut total = 0u64;
    for i in 0..samples {
        let (from, to) = (index(i), index(i + 1));
        let bytes = if i == 0 {
            size(first)
        } else {
            match expand(templates, start + from * step) {
                Ok(texts) => size(&texts),
                // Reported where the expansion reaches it.
                Err(_) => return total,
            }
        };
        total = total.saturating_add(bytes.saturating_mul(to - from));
    }
    total
}

/// `start-stop[/step]`; like BIND, start and stop fit in 32 bits.
fn parse_range(text: &str) -> Option<(u64, u64, u64)> {
    let (range, step) = match text.split_once('/') {
        Some((r, s)) => (r, s.parse::<u32>().ok()?),
        None => (text, 1),
    };
    let (start, stop) = range.split_once('-')?;
    let (start, stop): (u32, u32) = (start.parse().ok()?, stop.parse().ok()?);
    (start <= stop && step > 0).then_some((start.into(), stop.into(), step.into()))
}

/// `$` → the number, `${offset,width,base}` → formatted, `\$` → `$`.
fn substitute(template: &str, n: u64) -> Result<String, String> {
    if !template.contains('$') {
        return Ok(template.to_string());
    }
    if template == "$" {
        return Ok(n.to_string());
    }
    let mut out = String::with_capacity(template.len() + 8);
    let chars: Vec<char> = template.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if chars.get(i + 1) == Some(&'$') => {
                out.push('$');
                i += 2;
            }
            '$' if chars.get(i + 1) == Some(&'{') => {
                let close = chars[i..].iter().position(|&c| c == '}').ok_or_else(|| {
                    format!("unterminated `${{` in $GENERATE template `{template}`")
                })?;
                let spec: String = chars[i + 2..i + close].iter().collect();
                let mut parts = spec.split(',');
                let offset: i64 = parts
                    .next()
                    .unwrap_or("0")
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad $GENERATE modifier `{spec}`"))?;
                let width: usize = parts
                    .next()
                    .unwrap_or("0")
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad $GENERATE modifier `{spec}`"))?;
                if width > MAX_GENERATE_WIDTH {
                    return Err(format!(
                        "$GENERATE modifier `{spec}`: width {width} is above {MAX_GENERATE_WIDTH} (a name is at most 255 octets)"
                    ));
                }
                let base = parts.next().unwrap_or("d").trim().to_string();
                // BIND keeps generated values within 0..=2^31-1.
                let value = (n as i64)
                    .checked_add(offset)
                    .filter(|v| (0..=i64::from(i32::MAX)).contains(v))
                    .ok_or_else(|| format!("$GENERATE modifier `{spec}` is out of range"))?
                    as u64;
                let formatted = match base.as_str() {
                    "d" => format!("{value:0width$}"),
                    "o" => format!("{value:0width$o}"),
                    "x" => format!("{value:0width$x}"),
                    "X" => format!("{value:0width$X}"),
                    "n" | "N" => {
                        let hex = format!("{value:0width$x}");
                        let nibbles: Vec<String> = hex
                            .chars()
                            .rev()
                            .map(|c| {
                                if base == "N" {
                                    c.to_ascii_uppercase().to_string()
                                } else {
                                    c.to_string()
                                }
                            })
                            .collect();
                        nibbles.join(".")
                    }
                    _ => return Err(format!("bad $GENERATE base `{base}`")),
                };
                out.push_str(&formatted);
                i += close + 1;
            }
            '$' => {
                out.push_str(&n.to_string());
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}
