//! The content of a report, independent of its format: titled sections of lines, tables and
//! plots. [`crate::markdown`], [`crate::text`] and [`crate::html`] only decide how a section looks.

use crate::i18n::{self, Lang, Phrase, ScaleNote, scale_note, t};
use crate::table::Table;
use crate::{CLASS_ROWS_SHOWN, CONFUSED_PAIRS_SHOWN, EvalReport, fmt_threshold, fmt4};
use verdict_core::diagnostics::Subject;
use verdict_core::eval::EvalResult;

pub(crate) enum Block {
    /// A line of prose; `**bold**` and `` `code` `` are the only markup.
    Line(String),
    Table(Table),
    /// A plot: its title and its file name (`roc.svg`). Markdown links the file written next to
    /// the report; HTML inlines the SVG; the terminal shows no plots.
    Plot {
        title: String,
        file: String,
    },
}

pub(crate) struct Section {
    pub(crate) title: String,
    pub(crate) blocks: Vec<Block>,
}

/// A report laid out as a sequence of parts rather than sections (the experiment report): each
/// format reads the same parts ([`render_parts`], [`parts_to_sections`]).
pub(crate) enum Part {
    /// A heading of level 1 (the document's title) or 2 (a section).
    Heading(usize, String),
    /// A paragraph (empty: nothing).
    Para(String),
    Table(Table),
    /// A list item.
    Item(String),
    /// The document's title in Markdown and HTML; the terminal shows none.
    Title(String),
    /// A line without a blank line after it (empty: a blank line in text and Markdown).
    Plain(String),
    /// What to do about the item above: an indented `→` line in the terminal, a line in HTML,
    /// nothing in Markdown (its table-less list keeps one line per item).
    Hint(String),
}

/// The parts as terminal text or Markdown: a heading or paragraph is followed by a blank line, a
/// table by one more newline; Markdown items are `- ` bullets with `|` escaped (a list item can
/// sit in a table-aware renderer), text items are plain lines.
pub(crate) fn render_parts(parts: &[Part], markdown: bool) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Heading(level, t) if markdown => {
                out.push_str(&format!("{} {t}\n\n", "#".repeat(*level)));
            }
            Part::Heading(_, t) | Part::Para(t) => out.push_str(&format!("{t}\n\n")),
            Part::Table(t) => {
                out.push_str(&if markdown {
                    t.markdown()
                } else {
                    t.text(false)
                });
                out.push('\n');
            }
            Part::Item(l) if markdown => out.push_str(&format!("- {}\n", l.replace('|', "\\|"))),
            Part::Item(l) | Part::Plain(l) => out.push_str(&format!("{l}\n")),
            Part::Title(t) if markdown => out.push_str(&format!("# {t}\n\n")),
            Part::Title(_) => {}
            Part::Hint(h) if !markdown => out.push_str(&format!("      → {h}\n")),
            Part::Hint(_) => {}
        }
    }
    out
}

/// The parts as a title (the first level-1 heading) and sections (one per level-2 heading; parts
/// before the first one go to a section titled `first`), for [`crate::html`].
pub(crate) fn parts_to_sections(parts: Vec<Part>, first: &str) -> (String, Vec<Section>) {
    let mut title = String::new();
    let mut out: Vec<Section> = Vec::new();
    for p in parts {
        let block = match p {
            Part::Heading(1, t) | Part::Title(t) if title.is_empty() => {
                title = t;
                continue;
            }
            Part::Title(_) => continue,
            Part::Heading(_, t) => {
                out.push(Section {
                    title: t,
                    blocks: Vec::new(),
                });
                continue;
            }
            Part::Para(t) | Part::Plain(t) if t.is_empty() => continue,
            Part::Para(t) | Part::Item(t) | Part::Plain(t) => Block::Line(t),
            Part::Hint(h) => Block::Line(format!("→ {h}")),
            Part::Table(t) => Block::Table(t),
        };
        if out.is_empty() {
            out.push(Section {
                title: first.to_string(),
                blocks: Vec::new(),
            });
        }
        if let Some(last) = out.last_mut() {
            last.blocks.push(block);
        }
    }
    (title, out)
}

/// The section of plots, `(title, file)` each, or none without plots.
pub(crate) fn plots_section(lang: Lang, plots: &[(String, String)]) -> Option<Section> {
    (!plots.is_empty()).then(|| Section {
        title: t(lang, Phrase::Plots).into(),
        blocks: plots
            .iter()
            .map(|(title, file)| Block::Plot {
                title: title.clone(),
                file: file.clone(),
            })
            .collect(),
    })
}

/// An interval as every report shows it, `0.8500 … 0.9500`, or `—` without one.
pub(crate) fn fmt_ci(ci: Option<(f64, f64)>) -> String {
    match ci {
        Some((lo, hi)) => format!("{} … {}", fmt4(lo), fmt4(hi)),
        None => "—".to_string(),
    }
}

fn ci(m: &verdict_core::eval::Metric) -> String {
    fmt_ci(m.ci)
}

pub(crate) fn metrics_table(r: &EvalResult, lang: Lang) -> Table {
    let mut tb = Table::new(vec![
        t(lang, Phrase::Metric).into(),
        t(lang, Phrase::Value).into(),
        t(lang, Phrase::Interval).into(),
    ]);
    for m in &r.metrics {
        tb.row(vec![m.name.clone(), fmt4(m.value), ci(m)]);
    }
    tb
}

/// The classes of the truncated per-class table (above the class limit): the
/// [`CLASS_ROWS_SHOWN`] with the lowest recall (classes that occur first, then larger support
/// first, then class order), then the [`CLASS_ROWS_SHOWN`] with the largest support (ties in class
/// order) not already listed.
fn shown_classes(r: &EvalResult) -> Vec<usize> {
    let pc = &r.per_class;
    let mut worst: Vec<usize> = (0..pc.len()).collect();
    worst.sort_by(|&a, &b| {
        (pc[a].support == 0)
            .cmp(&(pc[b].support == 0))
            .then(pc[a].recall.total_cmp(&pc[b].recall))
            .then(pc[b].support.cmp(&pc[a].support))
            .then(a.cmp(&b))
    });
    worst.truncate(CLASS_ROWS_SHOWN);
    let mut largest: Vec<usize> = (0..pc.len()).collect();
    largest.sort_by(|&a, &b| pc[b].support.cmp(&pc[a].support).then(a.cmp(&b)));
    let extra: Vec<usize> = largest
        .into_iter()
        .filter(|c| !worst.contains(c))
        .take(CLASS_ROWS_SHOWN)
        .collect();
    worst.extend(extra);
    worst
}

fn per_class_table(r: &EvalResult, lang: Lang, rows: Option<&[usize]>) -> Table {
    let mut tb = Table::new(vec![
        t(lang, Phrase::Class).into(),
        "precision".into(),
        "recall".into(),
        "f1".into(),
        t(lang, Phrase::Support).into(),
    ]);
    let all: Vec<usize>;
    let rows = match rows {
        Some(rows) => rows,
        None => {
            all = (0..r.per_class.len()).collect();
            &all
        }
    };
    for &i in rows {
        let (c, name) = (&r.per_class[i], &r.classes[i]);
        tb.row(vec![
            name.clone(),
            fmt4(c.precision),
            fmt4(c.recall),
            fmt4(c.f1),
            c.support.to_string(),
        ]);
    }
    tb
}

fn confusion_table(r: &EvalResult, lang: Lang) -> Table {
    let mut headers = vec![format!(
        "{} \\ {}",
        t(lang, Phrase::Actual),
        t(lang, Phrase::Predicted)
    )];
    headers.extend(r.classes.iter().cloned());
    let mut tb = Table::new(headers);
    for (i, name) in r.classes.iter().enumerate() {
        let mut row = vec![name.clone()];
        row.extend((0..r.confusion.k).map(|j| r.confusion.get(i, j).to_string()));
        tb.row(row);
    }
    tb
}

/// Above the class limit: the largest off-diagonal cells instead of the matrix.
fn confused_pairs_blocks(r: &EvalResult, lang: Lang) -> Vec<Block> {
    let pairs = r.confusion.most_confused(CONFUSED_PAIRS_SHOWN);
    let mut tb = Table::new(vec![
        t(lang, Phrase::Actual).into(),
        t(lang, Phrase::Predicted).into(),
        t(lang, Phrase::Count).into(),
        scale_note(lang, &ScaleNote::ShareOfTrue),
        t(lang, Phrase::ShareOfErrors).into(),
    ]);
    for p in &pairs {
        tb.row(vec![
            r.classes[p.true_class].clone(),
            r.classes[p.pred_class].clone(),
            p.count.to_string(),
            format!("{:.1}%", p.share_of_true * 100.0),
            format!("{:.1}%", p.share_of_errors * 100.0),
        ]);
    }
    vec![
        Block::Line(scale_note(
            lang,
            &ScaleNote::Confusion {
                k: r.classes.len(),
                shown: pairs.len(),
            },
        )),
        Block::Table(tb),
    ]
}

fn evaluation_blocks(r: &EvalResult, lang: Lang, detail: bool, limit: usize) -> Vec<Section> {
    let mut out = Vec::new();
    let many = r.classes.len() > limit;
    out.push(Section {
        title: t(lang, Phrase::Metrics).into(),
        blocks: vec![Block::Table(metrics_table(r, lang))],
    });
    let per_class = if many {
        let rows = shown_classes(r);
        vec![
            Block::Line(scale_note(
                lang,
                &ScaleNote::PerClass {
                    shown: rows.len(),
                    total: r.classes.len(),
                    each: CLASS_ROWS_SHOWN,
                },
            )),
            Block::Table(per_class_table(r, lang, Some(&rows))),
        ]
    } else {
        vec![Block::Table(per_class_table(r, lang, None))]
    };
    out.push(Section {
        title: t(lang, Phrase::PerClass).into(),
        blocks: per_class,
    });
    out.push(Section {
        title: t(lang, Phrase::ConfusionMatrix).into(),
        blocks: if many {
            confused_pairs_blocks(r, lang)
        } else {
            vec![Block::Table(confusion_table(r, lang))]
        },
    });
    if !detail {
        return out;
    }
    // Above the limit the confusion section already lists the most-confused pairs.
    if r.classes.len() > 2 && !many && !r.most_confused.is_empty() {
        let mut tb = Table::new(vec![
            t(lang, Phrase::Actual).into(),
            t(lang, Phrase::Predicted).into(),
            t(lang, Phrase::Count).into(),
            t(lang, Phrase::ShareOfErrors).into(),
        ]);
        for p in &r.most_confused {
            tb.row(vec![
                r.classes[p.true_class].clone(),
                r.classes[p.pred_class].clone(),
                p.count.to_string(),
                format!("{:.1}%", p.share_of_errors * 100.0),
            ]);
        }
        out.push(Section {
            title: t(lang, Phrase::MostConfused).into(),
            blocks: vec![Block::Table(tb)],
        });
    }
    if !r.thresholds.is_empty() {
        let mut tb = Table::new(vec![
            t(lang, Phrase::Rule).into(),
            t(lang, Phrase::Threshold).into(),
            "precision".into(),
            "recall".into(),
            "f1".into(),
            "fpr".into(),
        ]);
        for nt in &r.thresholds {
            let rule = match nt.target {
                Some(x) => format!("{} ({x})", nt.name),
                None => nt.name.to_string(),
            };
            let c = &nt.choice;
            tb.row(vec![
                rule,
                fmt_threshold(c.threshold),
                fmt4(c.precision),
                fmt4(c.recall),
                fmt4(c.f1),
                fmt4(c.fpr),
            ]);
        }
        out.push(Section {
            title: t(lang, Phrase::Thresholds).into(),
            blocks: vec![Block::Table(tb)],
        });
    }
    if let Some(c) = &r.calibration {
        let mut blocks = vec![Block::Line(format!(
            "ECE {} · MCE {} · {} {} · {} {} · {} ≥ {}: n = {}, {} {}",
            fmt4(c.ece),
            fmt4(c.mce),
            t(lang, Phrase::MeanConfidence),
            fmt4(c.mean_confidence),
            t(lang, Phrase::Accuracy),
            fmt4(c.accuracy),
            t(lang, Phrase::Confidence),
            r.calibration_config.high_confidence,
            c.high_conf_n,
            t(lang, Phrase::ErrorRate),
            if c.high_conf_error_rate.is_finite() {
                format!("{:.1}%", c.high_conf_error_rate * 100.0)
            } else {
                "—".into()
            }
        ))];
        let mut tb = Table::new(vec![
            t(lang, Phrase::Bin).into(),
            t(lang, Phrase::Count).into(),
            t(lang, Phrase::MeanConfidence).into(),
            t(lang, Phrase::Accuracy).into(),
        ]);
        for b in &c.bins {
            tb.row(vec![
                format!("{:.3}–{:.3}", b.lower, b.upper),
                b.count.to_string(),
                fmt4(b.mean_confidence),
                fmt4(b.accuracy),
            ]);
        }
        blocks.push(Block::Table(tb));
        out.push(Section {
            title: t(lang, Phrase::Calibration).into(),
            blocks,
        });
    }
    out
}

/// Where the numbers come from: the groups, the eval set's fingerprint, the intervals.
pub(crate) fn provenance(
    lang: Lang,
    groups: Option<(&str, usize)>,
    fingerprint: &str,
    bootstrap: Option<&verdict_core::eval::BootstrapInfo>,
) -> Vec<Block> {
    let mut out = Vec::new();
    if let Some((c, k)) = groups {
        out.push(Block::Line(format!(
            "{}: `{c}` ({k})",
            t(lang, Phrase::Groups)
        )));
    }
    out.push(Block::Line(format!(
        "{}: `{fingerprint}`",
        t(lang, Phrase::Fingerprint)
    )));
    let intervals = match bootstrap {
        Some(b) => i18n::bootstrap_line(lang, b, groups.map(|(c, _)| c)),
        None => t(lang, Phrase::NoBootstrap).to_string(),
    };
    out.push(Block::Line(format!(
        "{}: {intervals}",
        t(lang, Phrase::Bootstrap)
    )));
    out
}

/// The warnings as lines; above the class limit at most [`CLASS_ROWS_SHOWN`] per-class warnings
/// of each kind, then one line counting the rest.
fn warning_lines(r: &EvalResult, lang: Lang, limit: usize) -> Vec<Block> {
    let many = r.classes.len() > limit;
    let mut out = Vec::new();
    let mut shown: Vec<(&'static str, usize)> = Vec::new();
    for w in &r.warnings {
        let line = Block::Line(format!("⚠️ {}", crate::findings::message(lang, w)));
        if !(many && matches!(w.subject, Subject::Class(_))) {
            out.push(line);
            continue;
        }
        let code = w.check;
        let n = match shown.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => n,
            None => {
                shown.push((code, 0));
                &mut shown.last_mut().expect("just pushed").1
            }
        };
        if *n == CLASS_ROWS_SHOWN {
            continue;
        }
        *n += 1;
        out.push(line);
        if *n == CLASS_ROWS_SHOWN {
            let total = r.warnings.iter().filter(|x| x.check == code).count();
            if total > CLASS_ROWS_SHOWN {
                out.push(Block::Line(scale_note(
                    lang,
                    &ScaleNote::MoreWarnings {
                        code,
                        more: total - CLASS_ROWS_SHOWN,
                    },
                )));
            }
        }
    }
    out
}

/// All sections of an evaluation report, in order, with the class limit of [`crate::CLASS_LIMIT`]
/// (`limit` classes or fewer: the full tables).
pub(crate) fn eval_sections(rep: &EvalReport, lang: Lang, limit: usize) -> Vec<Section> {
    let r = &rep.result;
    let class_list = if r.classes.len() > limit {
        let first: Vec<&str> = r
            .classes
            .iter()
            .take(CLASS_ROWS_SHOWN)
            .map(String::as_str)
            .collect();
        format!("{} ({}, …)", r.classes.len(), first.join(", "))
    } else {
        r.classes.join(", ")
    };
    let mut head = vec![
        Block::Line(format!("{}: `{}`", t(lang, Phrase::File), rep.source)),
        Block::Line(format!(
            "{}: {}",
            t(lang, Phrase::Task),
            i18n::task(lang, rep.task(), rep.inputs)
        )),
        Block::Line(format!("{}: {}", t(lang, Phrase::Samples), r.n)),
        Block::Line(format!("{}: {class_list}", t(lang, Phrase::Classes))),
    ];
    if let Some(p) = r.positive {
        head.push(Block::Line(format!(
            "{}: {}",
            t(lang, Phrase::PositiveClass),
            r.classes[p]
        )));
    }
    if let Some(th) = r.threshold {
        head.push(Block::Line(format!(
            "{}: {}",
            t(lang, Phrase::Threshold),
            fmt_threshold(th)
        )));
    }
    if let Some(nz) = rep.normalized {
        head.push(Block::Line(i18n::normalized(lang, nz, r.n)));
    }
    head.extend(provenance(
        lang,
        rep.group_column.as_deref().zip(rep.group_count),
        &rep.fingerprint,
        r.bootstrap.as_ref(),
    ));
    let mut out = vec![Section {
        title: t(lang, Phrase::EvalSet).into(),
        blocks: head,
    }];
    let warn_blocks = if r.warnings.is_empty() {
        vec![Block::Line(t(lang, Phrase::NoWarnings).into())]
    } else {
        warning_lines(r, lang, limit)
    };
    out.push(Section {
        title: t(lang, Phrase::Warnings).into(),
        blocks: warn_blocks,
    });
    out.extend(evaluation_blocks(r, lang, true, limit));
    for g in &rep.grouped {
        let mut secs = evaluation_blocks(&g.result, lang, false, limit);
        for s in &mut secs {
            s.title = format!(
                "{}: {} = {{{}}} — {}",
                t(lang, Phrase::Grouped),
                g.name,
                g.members.join(", "),
                s.title
            );
        }
        out.extend(secs);
    }
    if let Some(sl) = &rep.slices {
        // Side by side: one column per slice value, one row per metric.
        let mut headers = vec![t(lang, Phrase::Metric).to_string()];
        headers.extend(
            sl.values
                .iter()
                .map(|(v, res)| format!("{}={v} (n={})", sl.column, res.n)),
        );
        let mut tb = crate::table::Table::new(headers);
        for (i, m) in r.metrics.iter().enumerate() {
            let mut row = vec![m.name.clone()];
            for (_, res) in &sl.values {
                row.push(res.metrics.get(i).filter(|x| x.name == m.name).map_or(
                    "—".into(),
                    |x| match x.ci {
                        Some((lo, hi)) => format!("{} ({}…{})", fmt4(x.value), fmt4(lo), fmt4(hi)),
                        None => fmt4(x.value),
                    },
                ));
            }
            tb.row(row);
        }
        out.push(Section {
            title: format!("{} `{}`", t(lang, Phrase::SlicesBy), sl.column),
            blocks: vec![Block::Table(tb)],
        });
    }
    out
}
