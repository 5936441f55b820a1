//! Standalone SVG plots: ROC curves, precision-recall curves and reliability diagrams, and the
//! plots of `verdict ensemble` ([`weights_plot`], [`contribution_plot`], [`diversity_plot`]).
//!
//! Hand-written on `std::fmt::Write` (no plotting dependency) so the output is byte-stable and
//! snapshot-testable:
//! * coordinates have at most 2 decimals, there are no timestamps and no `id`s (several plots can
//!   be inlined in one HTML page without clashes);
//! * every element has a class (`.background`, `.grid`, `.axis`, `.tick-labels`, `.axis-label`,
//!   `.series-0`, `.series-1`, …, `.reference`, `.legend`, `.note`; reliability diagrams add
//!   `.bar`, `.gap`, `.marker`, `.count`) and its default colours as **presentation attributes**,
//!   which any CSS rule overrides: the picture looks right as a standalone file or `<img>`, and
//!   a web UI inlining it can theme it with e.g. `.series-0 { stroke: … }`;
//! * series colours are the Okabe–Ito colour-blind-safe palette (after 8 series the colours
//!   repeat with dash patterns);
//! * each series (and each reliability bin) is a `<g>` with a `<title>`, shown as a tooltip;
//! * curves with more than 2,000 points are decimated by largest-triangle-three-buckets, so a
//!   1e6-threshold ROC stays a few tens of kB; NaN and ±inf points are skipped;
//! * the legend goes in the preferred corner (lower right for ROC, lower left for PR, upper left
//!   for reliability) unless a curve passes there, then another free corner, else below the plot.
//!
//! Model names are escaped (`& < > " '`), so any file name is safe to pass.

mod canvas;
mod decimate;
mod ensemble;
#[cfg(test)]
mod tests;

use crate::Lang;
use crate::i18n::{Phrase, t};
/// XML escaping, shared with the HTML report.
pub(crate) use canvas::escape;
use canvas::{
    Axis, Corner, Entry, Frame, INK, Legend, Obstacles, Placement, REFERENCE, Swatch, axes,
    document, n, nice_ticks, note, num, series_style,
};
use decimate::{MAX_POINTS, finite_points, lttb, simplify, steps_post};
use std::fmt::Write;
use verdict_core::binary::{PrCurve, RocCurve};
use verdict_core::calibration::Calibration;

pub use ensemble::{ContributionBar, WeightBars, contribution_plot, diversity_plot, weights_plot};

/// A dashed reference line from one point to another, with its legend label.
type Reference = ((f64, f64), (f64, f64), String);

/// One curve to plot.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// Shown in the legend and the tooltip (escaped on output).
    pub name: &'a str,
    /// x values (false positive rate for ROC, recall for PR).
    pub x: &'a [f64],
    /// y values (true positive rate for ROC, precision for PR); pairs beyond the shorter slice are
    /// ignored.
    pub y: &'a [f64],
    /// AUC (ROC) or AP (PR), shown in the legend as `name (AUC 0.912)`; omitted when `None` or
    /// not finite.
    pub summary: Option<f64>,
}

impl<'a> Series<'a> {
    /// A ROC curve: x = FPR, y = TPR.
    pub fn roc(name: &'a str, c: &'a RocCurve, auc: Option<f64>) -> Self {
        Series {
            name,
            x: &c.fpr,
            y: &c.tpr,
            summary: auc,
        }
    }

    /// A PR curve: x = recall, y = precision.
    pub fn pr(name: &'a str, c: &'a PrCurve, ap: Option<f64>) -> Self {
        Series {
            name,
            x: &c.recall,
            y: &c.precision,
            summary: ap,
        }
    }
}

/// Plot area side in pixels (every plot area is square).
const SIDE: f64 = 360.0;
const LEFT: f64 = 64.0;
const TOP: f64 = 16.0;
const RIGHT: f64 = 20.0;
/// Below the plot area: tick labels and the axis label.
const BOTTOM: f64 = 50.0;
/// Height of the count histogram under a reliability diagram.
const HIST: f64 = 64.0;
/// Space between the reliability diagram and its histogram.
const HIST_GAP: f64 = 16.0;

/// The unit square with the usual margins.
fn unit_frame() -> Frame {
    Frame {
        left: LEFT,
        top: TOP,
        width: SIDE,
        height: SIDE,
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    }
}

/// Ticks 0, 0.2, …, 1.
fn unit_ticks() -> Vec<f64> {
    nice_ticks(0.0, 1.0, 6).0
}

/// A reference line (chance, no-skill, perfect calibration): grey and dashed.
fn reference_line(out: &mut String, f: &Frame, a: (f64, f64), b: (f64, f64)) {
    let _ = writeln!(
        out,
        r#"<line class="reference" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{REFERENCE}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
        n(f.px(a.0)),
        n(f.py(a.1)),
        n(f.px(b.0)),
        n(f.py(b.1))
    );
}

fn reference_swatch() -> Swatch {
    Swatch::Line {
        class: "reference".into(),
        color: REFERENCE,
        dash: Some("6 4"),
    }
}

/// `name (AUC 0.912)`, or `name` without a finite summary.
fn series_label(s: &Series<'_>, metric: &str) -> String {
    match s.summary {
        Some(v) if v.is_finite() => format!("{} ({metric} {v:.3})", s.name),
        _ => s.name.to_string(),
    }
}

/// Pixel points of a series: finite, decimated, optionally stepped, rounded to 0.01 px and
/// simplified.
fn pixel_points(f: &Frame, s: &Series<'_>, step: bool) -> Vec<(f64, f64)> {
    let pts = lttb(&finite_points(s.x, s.y), MAX_POINTS);
    let pts = if step { steps_post(&pts) } else { pts };
    let r = |v: f64| (v * 100.0).round() / 100.0;
    simplify(pts.iter().map(|&(x, y)| (r(f.px(x)), r(f.py(y)))).collect())
}

/// What distinguishes the ROC, PR and history plots.
struct CurvePlot<'a> {
    kind: &'static str,
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    metric: &'static str,
    step: bool,
    /// The dashed reference line and its legend label.
    reference: Option<Reference>,
    corners: &'a [Corner],
    no_data: &'static str,
}

/// The frame and ticks of a plot: the unit square for ROC and PR ([`unit_scale`]), the data's
/// range for a history.
struct Scale {
    frame: Frame,
    x_ticks: Vec<f64>,
    y_ticks: Vec<f64>,
    x_decimals: Option<usize>,
    y_decimals: Option<usize>,
}

/// The unit square with ticks 0, 0.2, …, 1 on both axes.
fn unit_scale() -> Scale {
    Scale {
        frame: unit_frame(),
        x_ticks: unit_ticks(),
        y_ticks: unit_ticks(),
        x_decimals: Some(1),
        y_decimals: Some(1),
    }
}

fn curve_plot(p: &CurvePlot<'_>, series: &[Series<'_>]) -> String {
    curve_plot_on(p, &unit_scale(), series, None)
}

/// [`curve_plot`] on any scale, with an optional marked point `(x, y, label)`.
fn curve_plot_on(
    p: &CurvePlot<'_>,
    scale: &Scale,
    series: &[Series<'_>],
    mark: Option<(f64, f64, &str)>,
) -> String {
    let f = &scale.frame;
    let mut body = String::new();
    axes(
        &mut body,
        f,
        &Axis {
            ticks: &scale.x_ticks,
            decimals: scale.x_decimals,
            label: Some(p.x_label),
            grid: true,
        },
        &Axis {
            ticks: &scale.y_ticks,
            decimals: scale.y_decimals,
            label: Some(p.y_label),
            grid: true,
        },
    );
    let mut soft = Obstacles::default();
    if let Some((a, b, _)) = &p.reference {
        reference_line(&mut body, f, *a, *b);
        soft.polyline(&[(f.px(a.0), f.py(a.1)), (f.px(b.0), f.py(b.1))]);
    }
    let mut hard = Obstacles::default();
    let mut entries = Vec::new();
    let mut drawn = 0;
    for (i, s) in series.iter().enumerate() {
        let (color, dash) = series_style(i);
        let label = series_label(s, p.metric);
        let pts = pixel_points(f, s, p.step);
        drawn += pts.len();
        hard.polyline(&pts);
        let _ = writeln!(
            body,
            "<g class=\"series\">\n<title>{}</title>",
            escape(&label)
        );
        let mut style = format!(r#"stroke="{color}""#);
        if let Some(d) = dash {
            let _ = write!(style, r#" stroke-dasharray="{d}""#);
        }
        match pts[..] {
            [] => {}
            [(x, y)] => {
                let _ = writeln!(
                    body,
                    r#"<circle class="series-{i}" cx="{}" cy="{}" r="3" fill="{color}" {style}/>"#,
                    n(x),
                    n(y)
                );
            }
            _ => {
                let _ = write!(body, r#"<polyline class="series-{i}" points=""#);
                for (k, &(x, y)) in pts.iter().enumerate() {
                    if k > 0 {
                        body.push(' ');
                    }
                    num(&mut body, x);
                    body.push(',');
                    num(&mut body, y);
                }
                let _ = writeln!(
                    body,
                    r#"" fill="none" {style} stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>"#
                );
            }
        }
        body.push_str("</g>\n");
        entries.push(Entry {
            label,
            swatch: Swatch::Line {
                class: format!("series-{i}"),
                color,
                dash,
            },
        });
    }
    if drawn == 0 {
        note(&mut body, f, p.no_data);
    }
    if let Some((x, y, label)) = mark.filter(|(x, y, _)| x.is_finite() && y.is_finite()) {
        let (px, py) = (f.px(x), f.py(y));
        let _ = writeln!(
            body,
            r#"<g class="mark"><title>{}</title><circle cx="{}" cy="{}" r="5" fill="none" stroke="{INK}" stroke-width="2"/></g>"#,
            escape(label),
            n(px),
            n(py)
        );
        hard.polyline(&[(px - 6.0, py - 6.0), (px + 6.0, py + 6.0)]);
        entries.push(Entry {
            label: label.to_string(),
            swatch: Swatch::Line {
                class: "mark".into(),
                color: INK,
                dash: None,
            },
        });
    }
    if let Some((_, _, l)) = &p.reference {
        entries.push(Entry {
            label: l.clone(),
            swatch: reference_swatch(),
        });
    }
    let width = f.left + f.width + RIGHT;
    let mut height = f.top + f.height + BOTTOM;
    height += legend(&mut body, f, entries, p.corners, &hard, &soft, height);
    document(p.kind, p.title, width, height, &body)
}

/// Width and height of a history plot's frame.
const HISTORY_SIZE: (f64, f64) = (480.0, 220.0);

/// A metric's history: each series' value by step, overlaid (a run's `train_loss` and
/// `val_loss`), on the data's range with nice ticks, and `best` — the best evaluation as
/// `(step, value)` — circled and named in the legend. The title is `title` (a metric key,
/// escaped). An empty or non-finite history gives the axes and a "No data" note.
pub fn history_plot(
    title: &str,
    series: &[Series<'_>],
    best: Option<(f64, f64)>,
    lang: Lang,
) -> String {
    let pts: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|s| finite_points(s.x, s.y))
        .collect();
    let range = |v: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = v.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        match (lo.is_finite(), hi > lo) {
            (true, true) => (lo, hi),
            (true, false) => (lo - 0.5, lo + 0.5),
            _ => (0.0, 1.0),
        }
    };
    let (x0, x1) = range(&mut pts.iter().map(|p| p.0));
    let (y0, y1) = range(&mut pts.iter().map(|p| p.1));
    let (x_ticks, x_step) = nice_ticks(x0, x1, 6);
    let (y_ticks, y_step) = nice_ticks(y0, y1, 5);
    let ends = |t: &[f64], lo: f64, hi: f64| {
        (
            t.first().copied().unwrap_or(lo).min(lo),
            t.last().copied().unwrap_or(hi).max(hi),
        )
    };
    let scale = Scale {
        frame: Frame {
            left: LEFT,
            top: TOP,
            width: HISTORY_SIZE.0,
            height: HISTORY_SIZE.1,
            x: ends(&x_ticks, x0, x1),
            y: ends(&y_ticks, y0, y1),
        },
        x_decimals: Some(canvas::decimals(x_step)),
        y_decimals: Some(canvas::decimals(y_step)),
        x_ticks,
        y_ticks,
    };
    let best_label = best.map(|(s, v)| format!("{} {} ({v:.4})", t(lang, Phrase::BestStep), s));
    curve_plot_on(
        &CurvePlot {
            kind: "history",
            title,
            x_label: t(lang, Phrase::Step),
            y_label: title,
            metric: "",
            step: false,
            reference: None,
            corners: &[
                Corner::UpperRight,
                Corner::LowerRight,
                Corner::UpperLeft,
                Corner::LowerLeft,
            ],
            no_data: t(lang, Phrase::NoData),
        },
        &scale,
        series,
        best.zip(best_label.as_deref()).map(|((x, y), l)| (x, y, l)),
    )
}

/// Places and renders the legend; returns how much the canvas grows (when it goes below).
fn legend(
    body: &mut String,
    f: &Frame,
    entries: Vec<Entry>,
    corners: &[Corner],
    hard: &Obstacles,
    soft: &Obstacles,
    height: f64,
) -> f64 {
    let legend = Legend::new(entries);
    if legend.is_empty() {
        return 0.0;
    }
    match legend.place(f, corners, hard, soft) {
        Placement::Inside(x, y) => {
            legend.render(body, x, y);
            0.0
        }
        Placement::Below => {
            legend.render(body, f.left, height);
            legend.height + 12.0
        }
    }
}

/// ROC curves of several models overlaid on a square plot: x = false positive rate, y = true
/// positive rate, straight segments between points, the chance diagonal dashed. The legend reads
/// `name (AUC 0.912)`. An empty `series` gives the axes and a "No data" note.
pub fn roc_plot(series: &[Series<'_>], lang: Lang) -> String {
    curve_plot(
        &CurvePlot {
            kind: "roc",
            title: t(lang, Phrase::RocTitle),
            x_label: t(lang, Phrase::FalsePositiveRate),
            y_label: t(lang, Phrase::TruePositiveRate),
            metric: "AUC",
            step: false,
            reference: Some((
                (0.0, 0.0),
                (1.0, 1.0),
                format!("{} (AUC 0.5)", t(lang, Phrase::Chance)),
            )),
            corners: &[
                Corner::LowerRight,
                Corner::UpperLeft,
                Corner::LowerLeft,
                Corner::UpperRight,
            ],
            no_data: t(lang, Phrase::NoData),
        },
        series,
    )
}

/// Precision-recall curves overlaid: x = recall, y = precision, drawn as steps the way
/// scikit-learn's `PrecisionRecallDisplay` does (`drawstyle="steps-post"` over the points in the
/// given order, i.e. scikit-learn's decreasing recall ending at (0, 1)). With `prevalence`, the
/// no-skill baseline is a dashed horizontal line at that precision. The legend reads
/// `name (AP 0.912)`.
pub fn pr_plot(series: &[Series<'_>], prevalence: Option<f64>, lang: Lang) -> String {
    let reference = prevalence
        .filter(|p| p.is_finite() && (0.0..=1.0).contains(p))
        .map(|p| {
            (
                (0.0, p),
                (1.0, p),
                format!("{} (AP {p:.3})", t(lang, Phrase::Chance)),
            )
        });
    curve_plot(
        &CurvePlot {
            kind: "pr",
            title: t(lang, Phrase::PrTitle),
            x_label: t(lang, Phrase::Recall),
            y_label: t(lang, Phrase::Precision),
            metric: "AP",
            step: true,
            reference,
            corners: &[
                Corner::LowerLeft,
                Corner::LowerRight,
                Corner::UpperRight,
                Corner::UpperLeft,
            ],
            no_data: t(lang, Phrase::NoData),
        },
        series,
    )
}

const BAR: &str = "#0072B2";
const GAP: &str = "#D55E00";

/// Reliability diagram: for each non-empty bin a bar over the bin's span up to its accuracy, the
/// gap to its mean confidence shaded, a dot at (mean confidence, accuracy), the dashed diagonal of
/// perfect calibration, ECE and MCE in the legend, and under it a histogram of the bin counts on
/// the same x axis. Each bin has a tooltip with its span, count, confidence and accuracy.
pub fn reliability_plot(cal: &Calibration, lang: Lang) -> String {
    let f = unit_frame();
    let ticks = unit_ticks();
    let bins: Vec<_> = cal
        .bins
        .iter()
        .filter(|b| b.accuracy.is_finite() && b.mean_confidence.is_finite())
        .collect();
    let max_count = bins.iter().map(|b| b.count).max().unwrap_or(0);
    let (count_ticks, _) = nice_ticks(0.0, max_count.max(1) as f64, 5);
    let count_top = count_ticks.last().copied().unwrap_or(1.0).max(1.0);
    let h = Frame {
        left: f.left,
        top: f.bottom() + HIST_GAP,
        width: SIDE,
        height: HIST,
        x: (0.0, 1.0),
        y: (0.0, count_top),
    };
    let mut body = String::new();
    axes(
        &mut body,
        &f,
        &Axis {
            ticks: &ticks,
            decimals: None,
            label: None,
            grid: true,
        },
        &Axis {
            ticks: &ticks,
            decimals: Some(1),
            label: Some(t(lang, Phrase::Accuracy)),
            grid: true,
        },
    );
    let ends = [0.0, count_top];
    axes(
        &mut body,
        &h,
        &Axis {
            ticks: &ticks,
            decimals: Some(1),
            label: Some(t(lang, Phrase::ConfidenceAxis)),
            grid: false,
        },
        &Axis {
            ticks: &ends,
            decimals: Some(0),
            label: Some(t(lang, Phrase::Count)),
            grid: false,
        },
    );
    let mut hard = Obstacles::default();
    for b in &bins {
        // The bin's span, or 1/50 around the mean confidence when the edges are unusable.
        let (lo, hi) = if b.lower.is_finite() && b.upper.is_finite() && b.upper > b.lower {
            (b.lower, b.upper)
        } else {
            (b.mean_confidence - 0.01, b.mean_confidence + 0.01)
        };
        let (x0, x1) = (f.px(lo), f.px(hi).max(f.px(lo) + 1.0));
        let (acc, conf) = (f.py(b.accuracy), f.py(b.mean_confidence));
        let open = if b.lower <= 0.0 { '[' } else { '(' };
        let _ = writeln!(
            body,
            "<g class=\"bin\">\n<title>{}{:.3}, {:.3}] · n = {} · {} {:.3} · {} {:.3}</title>",
            open,
            lo,
            hi,
            b.count,
            escape(t(lang, Phrase::MeanConfidence)),
            b.mean_confidence,
            escape(t(lang, Phrase::Accuracy)),
            b.accuracy
        );
        let _ = writeln!(
            body,
            r##"<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{BAR}" fill-opacity="0.75" stroke="#ffffff" stroke-width="0.5"/>"##,
            n(x0),
            n(acc),
            n(x1 - x0),
            n(f.bottom() - acc)
        );
        hard.rects.push((x0, acc, x1, f.bottom()));
        let (g0, g1) = (acc.min(conf), acc.max(conf));
        if g1 - g0 >= 0.01 {
            let _ = writeln!(
                body,
                r#"<rect class="gap" x="{}" y="{}" width="{}" height="{}" fill="{GAP}" fill-opacity="0.25" stroke="{GAP}" stroke-width="1"/>"#,
                n(x0),
                n(g0),
                n(x1 - x0),
                n(g1 - g0)
            );
            hard.rects.push((x0, g0, x1, g1));
        }
        let _ = writeln!(
            body,
            r#"<circle class="marker" cx="{}" cy="{}" r="2.5" fill="{INK}"/>"#,
            n(f.px(b.mean_confidence)),
            n(acc)
        );
        let top = h.py(b.count as f64);
        let _ = writeln!(
            body,
            r#"<rect class="count" x="{}" y="{}" width="{}" height="{}" fill="{BAR}" fill-opacity="0.5" stroke="{BAR}" stroke-width="0.5"/>"#,
            n(x0),
            n(top),
            n(x1 - x0),
            n(h.bottom() - top)
        );
        body.push_str("</g>\n");
    }
    reference_line(&mut body, &f, (0.0, 0.0), (1.0, 1.0));
    let mut soft = Obstacles::default();
    soft.polyline(&[(f.px(0.0), f.py(0.0)), (f.px(1.0), f.py(1.0))]);
    if bins.is_empty() {
        note(&mut body, &f, t(lang, Phrase::NoData));
    }
    let mut entries = vec![
        Entry {
            label: t(lang, Phrase::Accuracy).to_string(),
            swatch: Swatch::Fill {
                class: "bar",
                color: BAR,
                opacity: "0.75",
            },
        },
        Entry {
            label: t(lang, Phrase::Gap).to_string(),
            swatch: Swatch::Fill {
                class: "gap",
                color: GAP,
                opacity: "0.25",
            },
        },
        Entry {
            label: t(lang, Phrase::PerfectCalibration).to_string(),
            swatch: reference_swatch(),
        },
    ];
    if cal.ece.is_finite() {
        let mut s = format!("ECE {:.3}", cal.ece);
        if cal.mce.is_finite() {
            let _ = write!(s, " · MCE {:.3}", cal.mce);
        }
        entries.push(Entry {
            label: s,
            swatch: Swatch::None,
        });
    }
    let width = LEFT + SIDE + RIGHT;
    let mut height = h.bottom() + BOTTOM;
    height += legend(
        &mut body,
        &f,
        entries,
        &[
            Corner::UpperLeft,
            Corner::LowerRight,
            Corner::UpperRight,
            Corner::LowerLeft,
        ],
        &hard,
        &soft,
        height,
    );
    document(
        "reliability",
        t(lang, Phrase::ReliabilityTitle),
        width,
        height,
        &body,
    )
}
