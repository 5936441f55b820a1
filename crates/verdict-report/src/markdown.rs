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

/// The plots of [`plots`] rendered, `(file name, SVG)` in the same order: the ROC and
/// precision-recall curves (legend: the file's stem, with its AUC or AP) and the reliability
/// diagram.
pub fn svgs(rep: &EvalReport, lang: Lang) -> Vec<(String, String)> {
    use crate::svg::{self, Series};
    let r = &rep.result;
    let name = std::path::Path::new(&rep.source)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("model");
    let metric = |m: &str| r.metrics.iter().find(|x| x.name == m).map(|x| x.value);
    let mut out = Vec::new();
    if let Some(roc) = &r.roc {
        let series = [Series::roc(name, roc, metric("roc_auc"))];
        out.push(("roc.svg".to_string(), svg::roc_plot(&series, lang)));
    }
    if let Some(pr) = &r.pr {
        let series = [Series::pr(name, pr, metric("average_precision"))];
        out.push((
            "pr.svg".to_string(),
            svg::pr_plot(&series, r.prevalence(), lang),
        ));
    }
    if let Some(cal) = &r.calibration {
        out.push((
            "reliability.svg".to_string(),
            svg::reliability_plot(cal, lang),
        ));
    }
    out
}

/// The evaluation as one self-contained HTML file ([`crate::html`]): the Markdown report's
/// sections with the plots inlined.
pub fn html(rep: &EvalReport, lang: Lang) -> String {
    crate::html::render_sections(
        t(lang, Phrase::Title),
        lang,
        &eval_sections_with_plots(rep, lang, &plots(rep, lang)),
        &svgs(rep, lang),
    )
}

/// The evaluation's summary for a notebook cell ([`crate::html`]'s fragment): the report's
/// sections (metrics with their intervals, thresholds, findings) without the plots.
pub fn html_fragment(rep: &EvalReport, lang: Lang) -> String {
    crate::html::fragment(
        t(lang, Phrase::Title),
        &eval_sections(rep, lang, crate::CLASS_LIMIT),
        &[],
    )
}

/// Renders an evaluation as Markdown followed by a section of images, `(title, file)` each, for
/// plots written next to the report (`verdict eval --out-dir`; [`plots`] lists them).
pub fn render_with_plots(rep: &EvalReport, lang: Lang, plots: &[(String, String)]) -> String {
    render_sections(
        t(lang, Phrase::Title),
        &eval_sections_with_plots(rep, lang, plots),
    )
}

/// The evaluation's sections followed by its plots' section.
pub(crate) fn eval_sections_with_plots(
    rep: &EvalReport,
    lang: Lang,
    plots: &[(String, String)],
) -> Vec<crate::sections::Section> {
    let mut sections = eval_sections(rep, lang, crate::CLASS_LIMIT);
    sections.extend(crate::sections::plots_section(lang, plots));
    sections
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
                Block::Plot { title, file } => {
                    if prev == Some(true) {
                        s.push('\n');
                    }
                    s.push_str(&format!("- ![{title}]({file})\n"));
                    prev = Some(false);
                }
            }
        }
    }
    s
}
