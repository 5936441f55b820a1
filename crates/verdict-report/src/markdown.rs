//! The Markdown report: what a team pastes into its wiki instead of a hand-made table.

use crate::EvalReport;
use crate::i18n::{Lang, Phrase, t};
use crate::sections::{Block, eval_sections};

/// Renders an evaluation as Markdown. Above [`crate::CLASS_LIMIT`] classes the tables are cut
/// down (see there).
pub fn render(rep: &EvalReport, lang: Lang) -> String {
    render_with_class_limit(rep, lang, crate::CLASS_LIMIT)
}

/// [`render`] with another class limit than [`crate::CLASS_LIMIT`] (`usize::MAX`: always the full
/// tables).
pub fn render_with_class_limit(rep: &EvalReport, lang: Lang, limit: usize) -> String {
    render_sections(t(lang, Phrase::Title), &eval_sections(rep, lang, limit))
}

/// The plots an evaluation report links to, `(title, file name)` with the title in `lang`:
/// `roc.svg` and `pr.svg` when the result has those curves (binary with scores), then
/// `reliability.svg` when it has a calibration.
pub fn plots(rep: &EvalReport, lang: Lang) -> Vec<(String, String)> {
    let r = &rep.result;
    [
        (r.roc.is_some(), Phrase::RocLink, "roc.svg"),
        (r.pr.is_some(), Phrase::PrLink, "pr.svg"),
        (
            r.calibration.is_some(),
            Phrase::ReliabilityLink,
            "reliability.svg",
        ),
    ]
    .into_iter()
    .filter(|(present, _, _)| *present)
    .map(|(_, title, file)| (t(lang, title).to_string(), file.to_string()))
    .collect()
}

/// Renders an evaluation as Markdown followed by a section of images, `(title, file)` each, for
/// plots written next to the report (`verdict eval --out-dir`; [`plots`] lists them).
pub fn render_with_plots(rep: &EvalReport, lang: Lang, plots: &[(String, String)]) -> String {
    let mut sections = eval_sections(rep, lang, crate::CLASS_LIMIT);
    if !plots.is_empty() {
        sections.push(crate::sections::Section {
            title: t(lang, Phrase::Plots).into(),
            blocks: plots
                .iter()
                .map(|(title, file)| Block::Line(format!("![{title}]({file})")))
                .collect(),
        });
    }
    render_sections(t(lang, Phrase::Title), &sections)
}

/// A titled document of sections as Markdown.
pub(crate) fn render_sections(title: &str, sections: &[crate::sections::Section]) -> String {
    let mut s = format!("# {title}\n");
    for sec in sections {
        s.push_str(&format!("\n## {}\n\n", sec.title));
        // A list and a table must be separated by a blank line, or one swallows the other.
        let mut prev: Option<bool> = None; // Some(true) after a table, Some(false) after a line
        for b in &sec.blocks {
            match b {
                Block::Line(l) => {
                    if prev == Some(true) {
                        s.push('\n');
                    }
                    s.push_str(&format!("- {l}\n"));
                    prev = Some(false);
                }
                Block::Table(tb) => {
                    if prev.is_some() {
                        s.push('\n');
                    }
                    s.push_str(&tb.markdown());
                    prev = Some(true);
                }
            }
        }
    }
    s
}
