//! Terminal output: the same sections as the Markdown report, as aligned plain text.

use crate::EvalReport;
use crate::i18n::Lang;
use crate::sections::{Block, eval_sections};

/// Renders an evaluation for a terminal; `color` adds bold headings and yellow warnings. Above
/// [`crate::CLASS_LIMIT`] classes the tables are cut down (see there).
pub fn render(rep: &EvalReport, lang: Lang, color: bool) -> String {
    render_with_class_limit(rep, lang, color, crate::CLASS_LIMIT)
}

/// [`render`] with another class limit than [`crate::CLASS_LIMIT`] (`usize::MAX`: always the full
/// tables).
pub fn render_with_class_limit(rep: &EvalReport, lang: Lang, color: bool, limit: usize) -> String {
    render_sections(&eval_sections(rep, lang, limit), color)
}

/// Sections as aligned text.
pub(crate) fn render_sections(sections: &[crate::sections::Section], color: bool) -> String {
    let mut s = String::new();
    for sec in sections {
        if color {
            s.push_str(&format!("\x1b[1;36m{}\x1b[0m\n", sec.title));
        } else {
            s.push_str(&format!("{}\n", sec.title));
        }
        for b in &sec.blocks {
            match b {
                Block::Line(l) if color && l.starts_with('⚠') => {
                    s.push_str(&format!("  \x1b[33m{l}\x1b[0m\n"))
                }
                Block::Line(l) => {
                    s.push_str(&format!("  {}\n", l.replace('`', "").replace("**", "")))
                }
                Block::Table(tb) => {
                    for line in tb.text(color).lines() {
                        s.push_str(&format!("  {line}\n"));
                    }
                }
                Block::Plot { title, file } => s.push_str(&format!("  {title}: {file}\n")),
            }
        }
        s.push('\n');
    }
    s
}
