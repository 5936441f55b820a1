//! The Markdown report: what a team pastes into its wiki instead of a hand-made table.

use crate::EvalReport;
use crate::i18n::{Lang, Phrase, t};
use crate::sections::{Block, eval_sections};

/// Renders an evaluation as Markdown.
pub fn render(rep: &EvalReport, lang: Lang) -> String {
    let mut s = format!("# {}\n", t(lang, Phrase::Title));
    for sec in eval_sections(rep, lang) {
        s.push_str(&format!("\n## {}\n\n", sec.title));
        let mut prev_line = false;
        for b in sec.blocks {
            match b {
                Block::Line(l) => {
                    s.push_str(&format!("- {l}\n"));
                    prev_line = true;
                }
                Block::Table(tb) => {
                    if prev_line {
                        s.push('\n');
                    }
                    s.push_str(&tb.markdown());
                    prev_line = false;
                }
            }
        }
    }
    s
}
