//! `--include` / `--exclude`: which listed keys are signed, with the rules of the AWS CLI's `s3`
//! commands (AWS CLI Command Reference, s3, "Use of Exclude and Include Filters"):
//!
//! - every key is included until a filter says otherwise;
//! - filters apply in the order given on the command line, and the last one that matches a key
//!   decides (`--exclude '*' --include '*.pdf'` signs only PDFs);
//! - a pattern is matched against the key relative to the listed prefix (the CLI joins the
//!   pattern to the source path `bucket/prefix/`), and must match all of it;
//! - patterns are Python's `fnmatch` patterns, which the CLI uses: `*` matches anything
//!   including `/`, `?` one character, `[seq]` and `[!seq]` one character in or not in `seq`;
//!   there is no escape character (`[*]` is a literal `*`), no `{a,b}` and no `**`; matching is
//!   case-sensitive, as the CLI's on Linux and macOS.
//!
//! The matcher is our own rather than `globset`: globset reads `{a,b}`, `\` escapes and `[^…]`
//! differently from `fnmatch`, so a script moved over from `aws s3 cp --recursive --exclude …`
//! would select other keys. tests/listing.rs checks the matcher against Python's `fnmatch`.

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};

/// One `[...]` set: single characters are ranges of one.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CharClass {
    negated: bool,
    ranges: Vec<(char, char)>,
}

impl CharClass {
    fn matches(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negated
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Literal(char),
    AnyChar,
    AnyRun,
    Class(CharClass),
}

/// A compiled `fnmatch` pattern (Python's `fnmatch.translate`, which the AWS CLI uses).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    tokens: Vec<Token>,
}

impl Pattern {
    /// Every text is a pattern: an unclosed `[` is a literal `[`, as in `fnmatch`.
    pub fn new(pattern: &str) -> Pattern {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            match c {
                '*' => {
                    if tokens.last() != Some(&Token::AnyRun) {
                        tokens.push(Token::AnyRun);
                    }
                }
                '?' => tokens.push(Token::AnyChar),
                '[' => match class_end(&chars, i) {
                    Some(end) => {
                        tokens.push(Token::Class(parse_class(&chars[i..end])));
                        i = end + 1;
                    }
                    None => tokens.push(Token::Literal('[')),
                },
                _ => tokens.push(Token::Literal(c)),
            }
        }
        Pattern { tokens }
    }

    /// Whether the pattern matches all of `text`.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let (mut t, mut p) = (0, 0);
        // The last `*` seen and the text position it was tried at: every other token matches
        // exactly one character, so retrying from the last `*` alone finds any match.
        let mut retry: Option<(usize, usize)> = None;
        while t < text.len() {
            let step = match self.tokens.get(p) {
                Some(Token::AnyRun) => {
                    retry = Some((p, t));
                    p += 1;
                    continue;
                }
                Some(Token::Literal(c)) => *c == text[t],
                Some(Token::AnyChar) => true,
                Some(Token::Class(class)) => class.matches(text[t]),
                None => false,
            };
            if step {
                t += 1;
                p += 1;
            } else if let Some((star, from)) = retry {
                retry = Some((star, from + 1));
                p = star + 1;
                t = from + 1;
            } else {
                return false;
            }
        }
        self.tokens[p..].iter().all(|token| *token == Token::AnyRun)
    }
}

/// Where the `]` closing a set that opens before `start` is: a `!` and then a `]` right after
/// the `[` belong to the set.
fn class_end(chars: &[char], start: usize) -> Option<usize> {
    let mut j = start;
    if chars.get(j) == Some(&'!') {
        j += 1;
    }
    if chars.get(j) == Some(&']') {
        j += 1;
    }
    (j..chars.len()).find(|&k| chars[k] == ']')
}

/// A set's contents, as `fnmatch.translate` reads them: hyphens between two characters make
/// ranges from left to right (a range's end cannot start another), a hyphen first or last is
/// literal, and a reversed range (`z-a`) is dropped together with its ends.
fn parse_class(stuff: &[char]) -> CharClass {
    let negated = stuff.first() == Some(&'!');
    let body = if negated { &stuff[1..] } else { stuff };
    let mut chunks: Vec<Vec<char>> = Vec::new();
    let mut start = 0;
    let mut from = 1;
    while let Some(hyphen) = (from..body.len()).find(|&k| body[k] == '-') {
        chunks.push(body[start..hyphen].to_vec());
        start = hyphen + 1;
        from = hyphen + 3;
    }
    let last = body.get(start..).unwrap_or_default().to_vec();
    match chunks.last_mut() {
        Some(previous) if last.is_empty() => previous.push('-'),
        _ => chunks.push(last),
    }
    for k in (1..chunks.len()).rev() {
        let (Some(&end), Some(&begin)) = (chunks[k - 1].last(), chunks[k].first()) else {
            continue;
        };
        if end > begin {
            let tail = chunks.remove(k);
            let previous = &mut chunks[k - 1];
            previous.pop();
            previous.extend_from_slice(&tail[1..]);
        }
    }
    let mut ranges = Vec::new();
    for (index, chunk) in chunks.iter().enumerate() {
        let has_next = index + 1 < chunks.len();
        let first = usize::from(index > 0);
        let last = if has_next {
            chunk.len().saturating_sub(1)
        } else {
            chunk.len()
        };
        ranges.extend(
            chunk
                .get(first..last)
                .unwrap_or_default()
                .iter()
                .map(|&c| (c, c)),
        );
        if has_next {
            if let (Some(&lo), Some(&hi)) = (chunk.last(), chunks[index + 1].first()) {
                ranges.push((lo, hi));
            }
        }
    }
    CharClass { negated, ranges }
}

/// Whether a filter keeps or drops the keys it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    Include,
    Exclude,
}

/// The `--include` / `--exclude` filters of a run, in command-line order.
#[derive(Clone, Debug, Default)]
pub struct KeyFilter {
    filters: Vec<(Rule, Pattern)>,
}

impl KeyFilter {
    pub fn new(filters: &[(Rule, String)]) -> KeyFilter {
        KeyFilter {
            filters: filters
                .iter()
                .map(|(rule, text)| (*rule, Pattern::new(text)))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }

    /// Whether `key`, listed under `prefix`, is signed. A prefix that does not end in `/`
    /// is a folder all the same (the CLI joins patterns to it with a `/`), so under `reports`
    /// the pattern `*.pdf` applies to `reports/a.pdf` and to no key of `reports2025/`.
    pub fn includes(&self, prefix: &str, key: &str) -> bool {
        if self.filters.is_empty() {
            return true;
        }
        let relative = if prefix.is_empty() || prefix.ends_with('/') {
            key.strip_prefix(prefix)
        } else {
            key.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('/'))
        };
        let Some(relative) = relative else {
            return true;
        };
        let mut included = true;
        for (rule, pattern) in &self.filters {
            if pattern.matches(relative) {
                included = *rule == Rule::Include;
            }
        }
        included
    }
}

/// `--include` and `--exclude`, kept in the order they were given (clap's derive keeps each
/// flag's values apart, and the order decides).
#[derive(Clone, Debug, Default)]
pub struct KeyFilterFlags {
    pub filters: Vec<(Rule, String)>,
}

const INCLUDE: &str = "include";
const EXCLUDE: &str = "exclude";

impl FromArgMatches for KeyFilterFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut filters: Vec<(usize, Rule, String)> = Vec::new();
        for (id, rule) in [(INCLUDE, Rule::Include), (EXCLUDE, Rule::Exclude)] {
            let (Some(values), Some(indices)) =
                (matches.get_many::<String>(id), matches.indices_of(id))
            else {
                continue;
            };
            filters.extend(
                indices
                    .zip(values)
                    .map(|(index, value)| (index, rule, value.clone())),
            );
        }
        filters.sort_by_key(|(index, _, _)| *index);
        Ok(KeyFilterFlags {
            filters: filters
                .into_iter()
                .map(|(_, rule, text)| (rule, text))
                .collect(),
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for KeyFilterFlags {
    fn augment_args(command: Command) -> Command {
        let flag = |id: &'static str, help: &'static str| {
            Arg::new(id)
                .long(id)
                .value_name("GLOB")
                .action(ArgAction::Append)
                .allow_hyphen_values(true)
                .requires("recursive")
                .help_heading("Listing (--recursive)")
                .help(help)
        };
        command
            .arg(flag(
                INCLUDE,
                "Sign listed keys matching GLOB again after an --exclude; repeatable. As in the \
                 AWS CLI: relative to the prefix, * also matches /, the last matching filter wins",
            ))
            .arg(flag(
                EXCLUDE,
                "Skip listed keys matching GLOB (e.g. '*.tmp', 'logs/*'); repeatable",
            ))
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        Pattern::new(pattern).matches(text)
    }

    #[test]
    fn star_crosses_slashes_and_question_mark_takes_one_character() {
        assert!(matches("*.pdf", "2025/q1/report.pdf"));
        assert!(!matches("*.pdf", "report.pdf.tmp"));
        assert!(matches("?.txt", "é.txt"));
        assert!(!matches("?.txt", "ab.txt"));
        assert!(matches("a*b*c", "a/x/b/y/c"));
        assert!(!matches("a*b*c", "a/x/b/y/cd"));
        assert!(matches("**", ""));
    }

    #[test]
    fn sets_follow_fnmatch() {
        assert!(matches("[ab].txt", "b.txt"));
        assert!(matches("[!ab].txt", "c.txt"));
        assert!(!matches("[!ab].txt", "a.txt"));
        assert!(matches("[*]", "*"));
        assert!(matches("[]]", "]"));
        assert!(matches("[a-c]", "b"));
        assert!(matches("[a-]", "-"));
        assert!(
            matches("[^a]", "^"),
            "^ is literal in fnmatch, not a negation"
        );
        assert!(!matches("[z-a]", "m"), "a reversed range matches nothing");
        assert!(matches("[abc", "[abc"), "an unclosed set is literal");
        assert!(matches("{a,b}", "{a,b}"), "no alternation");
        assert!(matches("a\\*", "a\\xyz"), "no escape character");
    }

    #[test]
    fn the_last_matching_filter_decides() {
        let filter = KeyFilter::new(&[
            (Rule::Exclude, "*".into()),
            (Rule::Include, "*.pdf".into()),
            (Rule::Exclude, "drafts/*".into()),
        ]);
        assert!(filter.includes("reports/", "reports/q1.pdf"));
        assert!(!filter.includes("reports/", "reports/q1.txt"));
        assert!(!filter.includes("reports/", "reports/drafts/q2.pdf"));
        // Relative to the prefix, with or without its final slash.
        assert!(!filter.includes("reports", "reports/drafts/q2.pdf"));
        let only_top = KeyFilter::new(&[(Rule::Exclude, "*/*".into())]);
        assert!(only_top.includes("r/", "r/a.txt"));
        assert!(!only_top.includes("r/", "r/sub/a.txt"));
    }
}
