//! Full-text search over everything users write (titles, bodies, stories,
//! shadowing entries, comments, directory text), with FTS5 and the
//! `unicode61 remove_diacritics 2` tokenizer: accents and case are
//! ignored, so "jerome" finds "Jérôme" and "epicerie" finds "épicerie".

use serde::Serialize;

/// Marks the start of a highlighted run in FTS5 snippets.
pub const HIT_START: char = '\u{2}';
/// Marks its end.
pub const HIT_END: char = '\u{3}';

/// A piece of a snippet: plain text, or a highlighted match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Segment {
    /// The text.
    pub text: String,
    /// Whether it matched the query.
    pub hit: bool,
}

/// Turn what a person typed into an FTS5 query: every word must appear
/// (as a word or a word prefix). Quotes and FTS5 syntax in the input are
/// neutralised, so any text is a valid query.
pub fn to_fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Split a marked snippet into segments.
pub fn segments(marked: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut hit = false;
    for c in marked.chars() {
        if c == HIT_START || c == HIT_END {
            if !current.is_empty() {
                out.push(Segment {
                    text: std::mem::take(&mut current),
                    hit,
                });
            }
            hit = c == HIT_START;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(Segment { text: current, hit });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("épicerie", Some("\"épicerie\"*"))]
    #[case("  Jérôme  parc ", Some("\"Jérôme\"* \"parc\"*"))]
    #[case("a\"b OR (c", Some("\"a\"* \"b\"* \"OR\"* \"c\"*"))]
    #[case("  ** ", None)]
    fn queries_are_words_and_prefixes(#[case] input: &str, #[case] want: Option<&str>) {
        assert_eq!(to_fts_query(input).as_deref(), want);
    }

    #[test]
    fn snippets_split_into_hits() {
        let s = segments("au \u{2}parc\u{3} ce matin");
        assert_eq!(
            s,
            vec![
                Segment {
                    text: "au ".into(),
                    hit: false
                },
                Segment {
                    text: "parc".into(),
                    hit: true
                },
                Segment {
                    text: " ce matin".into(),
                    hit: false
                },
            ]
        );
    }
}
