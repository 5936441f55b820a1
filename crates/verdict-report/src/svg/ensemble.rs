//! The plots of `verdict ensemble`: the members' weights with their stability intervals, the
//! leave-one-member-out contributions, and the diversity matrix (Q statistic).
//!
//! Same conventions as the curves (see the parent module): hand-written, byte-stable, no `id`s,
//! classes on every element with presentation attributes as defaults, Okabe–Ito colours, names
//! escaped (a long name is shortened in a label, and kept whole in the element's `<title>`).
//! Non-finite values draw nothing (a bar or a cell without a value says "—" in its tooltip).

use super::canvas::{
    Axis, Corner, Entry, Frame, INK, Obstacles, Swatch, axes, decimals, document, escape, n,
    nice_ticks, note, series_style, text_width,
};
use super::legend;
use crate::Lang;
use crate::i18n::{self, Phrase, t};
use std::fmt::Write;

/// Labels on an axis are shortened to this many characters ("…" included).
const LABEL_CHARS: usize = 18;
/// Height of a plot area with vertical bars.
const PLOT_HEIGHT: f64 = 300.0;
const TOP: f64 = 16.0;
const RIGHT: f64 = 20.0;
/// Left of a plot area with a numeric y axis: tick labels and the axis label.
const LEFT: f64 = 64.0;
/// Blue: a member that helps, and the first weighting.
const HELPS: &str = "#0072B2";
/// Vermillion: a member whose removal improves the ensemble.
const HURTS: &str = "#D55E00";

/// `name`, shortened to [`LABEL_CHARS`] characters with "…".
fn short(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARS {
        return name.to_string();
    }
    let mut s: String = name.chars().take(LABEL_CHARS - 1).collect();
    s.push('…');
    s
}

/// A value for a tooltip: 4 decimals, `—` when undefined.
fn tip(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4}")
    } else {
        "—".into()
    }
}

/// Signed, 4 decimals, `—` when undefined.
fn tip_signed(v: f64) -> String {
    if v.is_finite() {
        format!("{v:+.4}")
    } else {
        "—".into()
    }
}

/// A whisker from `a` to `b` (pixels) with caps, vertical (`vertical`) or horizontal, at `at`.
fn whisker(out: &mut String, vertical: bool, at: f64, a: f64, b: f64) {
    let cap = 4.0;
    let d = if vertical {
        format!(
            "M{x} {}V{}M{} {}H{}M{} {}H{}",
            n(a),
            n(b),
            n(at - cap),
            n(a),
            n(at + cap),
            n(at - cap),
            n(b),
            n(at + cap),
            x = n(at)
        )
    } else {
        format!(
            "M{} {y}H{}M{} {}V{}M{} {}V{}",
            n(a),
            n(b),
            n(a),
            n(at - cap),
            n(at + cap),
            n(b),
            n(at - cap),
            n(at + cap),
            y = n(at)
        )
    };
    let _ = writeln!(
        out,
        r#"<path class="interval" d="{d}" fill="none" stroke="{INK}" stroke-width="1.2"/>"#
    );
}

/// Ticks covering `[lo, hi]` (always including 0) and the decimals their labels need.
fn value_ticks(lo: f64, hi: f64) -> (Vec<f64>, usize) {
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let (lo, hi) = if hi - lo < 1e-12 {
        (lo, lo + 1.0)
    } else {
        (lo, hi)
    };
    let (ticks, step) = nice_ticks(lo, hi, 6);
    (ticks, decimals(step))
}

/// One weighting's bars in [`weights_plot`].
#[derive(Debug, Clone)]
pub struct WeightBars<'a> {
    /// The weighting's label (`caruana`, `given`, …), in the legend.
    pub label: &'a str,
    /// One weight per member.
    pub weights: &'a [f64],
    /// The weights' stability interval per member (learned weights under a bootstrap), when
    /// known.
    pub intervals: Option<Vec<(f64, f64)>>,
}

/// The members' weights: one group of bars per member, one bar per weighting (coloured as the
/// curves' series, with a legend), the stability interval of learned weights as a whisker. The
/// y axis starts at 0. `level` is the intervals' level (for the legend).
pub fn weights_plot(
    members: &[&str],
    weightings: &[WeightBars<'_>],
    level: f64,
    lang: Lang,
) -> String {
    let per_group = weightings.len().max(1) as f64;
    let bar = 18.0;
    let group = (per_group * bar + 24.0).max(56.0);
    let width = (group * members.len() as f64).max(240.0);
    let top = weightings
        .iter()
        .flat_map(|w| {
            w.weights
                .iter()
                .copied()
                .chain(w.intervals.iter().flatten().flat_map(|&(lo, hi)| [lo, hi]))
        })
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let (ticks, d) = value_ticks(0.0, top.max(0.1));
    let labels: Vec<String> = members.iter().map(|m| short(m)).collect();
    let widest = labels
        .iter()
        .map(|l| text_width(l, 11.0))
        .fold(0.0, f64::max);
    let rotate = widest > group - 6.0;
    let label_room = if rotate { widest * 0.65 + 12.0 } else { 16.0 };
    let f = Frame {
        left: LEFT,
        top: TOP,
        width,
        height: PLOT_HEIGHT,
        x: (0.0, members.len().max(1) as f64),
        y: (ticks[0], *ticks.last().unwrap_or(&1.0)),
    };
    let mut body = String::new();
    axes(
        &mut body,
        &f,
        &Axis {
            ticks: &[],
            decimals: None,
            label: None,
            grid: false,
        },
        &Axis {
            ticks: &ticks,
            decimals: Some(d),
            label: Some(t(lang, Phrase::Weight)),
            grid: true,
        },
    );
    let mut hard = Obstacles::default();
    for (m, name) in members.iter().enumerate() {
        let start = f.left + group * m as f64 + (group - per_group * bar) / 2.0;
        let _ = writeln!(
            body,
            "<g class=\"member\">\n<title>{}</title>",
            escape(&format!(
                "{name}: {}",
                weightings
                    .iter()
                    .map(|w| {
                        let v = w.weights.get(m).copied().unwrap_or(f64::NAN);
                        match w.intervals.as_ref().and_then(|i| i.get(m)) {
                            Some(&(lo, hi)) => {
                                format!("{} {} [{}, {}]", w.label, tip(v), tip(lo), tip(hi))
                            }
                            None => format!("{} {}", w.label, tip(v)),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" · ")
            ))
        );
        for (i, w) in weightings.iter().enumerate() {
            let (color, _) = series_style(i);
            let x = start + bar * i as f64;
            let v = w.weights.get(m).copied().unwrap_or(f64::NAN);
            if v.is_finite() {
                let y = f.py(v.max(0.0));
                let _ = writeln!(
                    body,
                    r##"<rect class="bar series-{i}" x="{}" y="{}" width="{}" height="{}" fill="{color}" fill-opacity="0.8" stroke="#ffffff" stroke-width="0.5"/>"##,
                    n(x + 1.0),
                    n(y),
                    n(bar - 2.0),
                    n(f.bottom() - y)
                );
                hard.rects.push((x, y, x + bar, f.bottom()));
            }
            if let Some(&(lo, hi)) = w.intervals.as_ref().and_then(|iv| iv.get(m))
                && lo.is_finite()
                && hi.is_finite()
            {
                let (a, b) = (f.py(hi), f.py(lo));
                whisker(&mut body, true, x + bar / 2.0, a, b);
                hard.rects.push((x, a, x + bar, b));
            }
        }
        let cx = f.left + group * (m as f64 + 0.5);
        let y = f.bottom() + 16.0;
        if rotate {
            let _ = writeln!(
                body,
                r#"<text class="member-label" x="{}" y="{}" text-anchor="end" fill="{INK}" font-size="11" transform="rotate(-40 {} {})">{}</text>"#,
                n(cx),
                n(y),
                n(cx),
                n(y),
                escape(&labels[m])
            );
        } else {
            let _ = writeln!(
                body,
                r#"<text class="member-label" x="{}" y="{}" text-anchor="middle" fill="{INK}" font-size="11">{}</text>"#,
                n(cx),
                n(y),
                escape(&labels[m])
            );
        }
        body.push_str("</g>\n");
    }
    if members.is_empty() || weightings.is_empty() {
        note(&mut body, &f, t(lang, Phrase::NoData));
    }
    let mut entries: Vec<Entry> = weightings
        .iter()
        .enumerate()
        .map(|(i, w)| Entry {
            label: w.label.to_string(),
            swatch: Swatch::Fill {
                class: "bar",
                color: series_style(i).0,
                opacity: "0.8",
            },
        })
        .collect();
    if weightings.iter().any(|w| w.intervals.is_some()) {
        entries.push(Entry {
            label: i18n::interval_legend(lang, level * 100.0),
            swatch: Swatch::Line {
                class: "interval".into(),
                color: INK,
                dash: None,
            },
        });
    }
    let total_width = LEFT + width + RIGHT;
    let mut height = f.bottom() + label_room + 8.0;
    height += legend(
        &mut body,
        &f,
        entries,
        &[Corner::UpperRight, Corner::UpperLeft],
        &hard,
        &Obstacles::default(),
        height,
    );
    document(
        "weights",
        t(lang, Phrase::WeightsPlotTitle),
        total_width,
        height,
        &body,
    )
}

/// One member's bar in [`contribution_plot`].
#[derive(Debug, Clone, Copy)]
pub struct ContributionBar<'a> {
    /// The member.
    pub member: &'a str,
    /// What it adds to the ensemble's headline metric, in the metric's better direction
    /// (positive: the ensemble is better with it).
    pub contribution: f64,
    /// The interval of the contribution, when a bootstrap ran.
    pub interval: Option<(f64, f64)>,
}

/// Leave-one-member-out contributions: one horizontal bar per member from 0 to its contribution
/// (blue when it helps, vermillion when the ensemble is better without it), its interval as a
/// whisker, the zero line solid. `metric` names the x axis; `level` is the intervals' level.
pub fn contribution_plot(
    bars: &[ContributionBar<'_>],
    metric: &str,
    level: f64,
    lang: Lang,
) -> String {
    let labels: Vec<String> = bars.iter().map(|b| short(b.member)).collect();
    let widest = labels
        .iter()
        .map(|l| text_width(l, 11.0))
        .fold(0.0, f64::max);
    let left = (widest + 16.0).max(LEFT);
    let row = 28.0;
    let values = bars.iter().flat_map(|b| {
        std::iter::once(b.contribution).chain(b.interval.into_iter().flat_map(|(l, h)| [l, h]))
    });
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (ticks, d) = value_ticks(lo, hi);
    let f = Frame {
        left,
        top: TOP,
        width: 360.0,
        height: (row * bars.len() as f64).max(row * 2.0),
        x: (ticks[0], *ticks.last().unwrap_or(&1.0)),
        y: (0.0, 1.0),
    };
    let axis_label = i18n::contribution_axis(lang, metric);
    let mut body = String::new();
    axes(
        &mut body,
        &f,
        &Axis {
            ticks: &ticks,
            decimals: Some(d),
            label: Some(&axis_label),
            grid: true,
        },
        &Axis {
            ticks: &[],
            decimals: None,
            label: None,
            grid: false,
        },
    );
    let zero = f.px(0.0);
    let _ = writeln!(
        body,
        r#"<line class="zero" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{INK}" stroke-width="1.5"/>"#,
        n(zero),
        n(f.top),
        n(zero),
        n(f.bottom())
    );
    for (i, b) in bars.iter().enumerate() {
        let mid = f.top + row * (i as f64 + 0.5);
        let interval = match b.interval {
            Some((l, h)) => format!(" [{}, {}]", tip_signed(l), tip_signed(h)),
            None => String::new(),
        };
        let _ = writeln!(
            body,
            "<g class=\"member\">\n<title>{}</title>",
            escape(&format!(
                "{}: {}{interval}",
                b.member,
                tip_signed(b.contribution)
            ))
        );
        if b.contribution.is_finite() {
            let x = f.px(b.contribution);
            let (x0, x1) = (x.min(zero), x.max(zero));
            let (class, color) = if b.contribution >= 0.0 {
                ("bar helps", HELPS)
            } else {
                ("bar hurts", HURTS)
            };
            let _ = writeln!(
                body,
                r##"<rect class="{class}" x="{}" y="{}" width="{}" height="{}" fill="{color}" fill-opacity="0.8" stroke="#ffffff" stroke-width="0.5"/>"##,
                n(x0),
                n(mid - row * 0.3),
                n(x1 - x0),
                n(row * 0.6)
            );
        }
        if let Some((l, h)) = b.interval
            && l.is_finite()
            && h.is_finite()
        {
            whisker(&mut body, false, mid, f.px(l), f.px(h));
        }
        let _ = writeln!(
            body,
            r#"<text class="member-label" x="{}" y="{}" text-anchor="end" fill="{INK}" font-size="11">{}</text>"#,
            n(f.left - 8.0),
            n(mid + 4.0),
            escape(&labels[i])
        );
        body.push_str("</g>\n");
    }
    if bars.is_empty() {
        note(&mut body, &f, t(lang, Phrase::NoData));
    }
    let mut height = f.bottom() + 50.0;
    if bars.iter().any(|b| b.interval.is_some()) {
        let entries = vec![Entry {
            label: i18n::interval_legend(lang, level * 100.0),
            swatch: Swatch::Line {
                class: "interval".into(),
                color: INK,
                dash: None,
            },
        }];
        // Below the plot: the bars may fill any corner.
        height += legend(
            &mut body,
            &Frame { height: 0.0, ..f },
            entries,
            &[],
            &Obstacles::default(),
            &Obstacles::default(),
            height,
        );
    }
    document(
        "contributions",
        t(lang, Phrase::ContributionPlotTitle),
        f.right() + RIGHT,
        height,
        &body,
    )
}

/// White mixed with `to` by `share` in `[0, 1]`, as `#rrggbb`.
fn mix(to: &str, share: f64) -> String {
    let channel = |i: usize| u8::from_str_radix(&to[1 + 2 * i..3 + 2 * i], 16).unwrap_or(0);
    let s = share.clamp(0.0, 1.0);
    let c = |i: usize| (255.0 - (255.0 - f64::from(channel(i))) * s).round() as u8;
    format!("#{:02x}{:02x}{:02x}", c(0), c(1), c(2))
}

/// The diversity matrix: members × members, each off-diagonal cell the pair's Q statistic
/// (`q[a][b]`, symmetric; `None` undefined) coloured from blue (−1, opposite errors) through
/// white (0, independent) to vermillion (1, the same errors), its value printed; the diagonal
/// grey. A note under the matrix says what Q means.
pub fn diversity_plot(members: &[&str], q: &[Vec<Option<f64>>], lang: Lang) -> String {
    let m = members.len();
    let cell = (360.0 / m.max(1) as f64).clamp(28.0, 64.0);
    let labels: Vec<String> = members.iter().map(|s| short(s)).collect();
    let widest = labels
        .iter()
        .map(|l| text_width(l, 11.0))
        .fold(0.0, f64::max);
    let left = widest + 16.0;
    let side = cell * m.max(1) as f64;
    let top = TOP;
    let mut body = String::new();
    let value = |a: usize, b: usize| q.get(a).and_then(|r| r.get(b)).copied().flatten();
    for a in 0..m {
        for b in 0..m {
            let (x, y) = (left + cell * b as f64, top + cell * a as f64);
            let v = value(a, b).filter(|v| v.is_finite());
            let title = format!(
                "{} · {}: Q = {}",
                members[a],
                members[b],
                v.map_or("—".into(), |v| format!("{v:.3}"))
            );
            let fill = if a == b {
                "#eeeeee".to_string()
            } else {
                match v {
                    Some(v) if v >= 0.0 => mix(HURTS, v),
                    Some(v) => mix(HELPS, -v),
                    None => "#ffffff".to_string(),
                }
            };
            let _ = writeln!(
                body,
                "<g class=\"cell\">\n<title>{}</title>",
                escape(&title)
            );
            let _ = writeln!(
                body,
                r##"<rect class="{}" x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="#ffffff" stroke-width="1"/>"##,
                if a == b { "diagonal" } else { "q" },
                n(x),
                n(y),
                n(cell),
                n(cell)
            );
            if a != b {
                let (text, color) = match v {
                    Some(v) => (
                        format!("{v:.2}").replacen('-', "−", 1),
                        if v.abs() > 0.55 { "#ffffff" } else { INK },
                    ),
                    None => ("—".to_string(), INK),
                };
                let _ = writeln!(
                    body,
                    r#"<text class="value" x="{}" y="{}" text-anchor="middle" fill="{color}" font-size="11">{text}</text>"#,
                    n(x + cell / 2.0),
                    n(y + cell / 2.0 + 4.0)
                );
            }
            body.push_str("</g>\n");
        }
    }
    body.push_str(&format!(
        "<g class=\"member-labels\" fill=\"{INK}\" font-size=\"11\">\n"
    ));
    for (i, l) in labels.iter().enumerate() {
        let _ = writeln!(
            body,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            n(left - 6.0),
            n(top + cell * (i as f64 + 0.5) + 4.0),
            escape(l)
        );
        let (x, y) = (left + cell * (i as f64 + 0.5), top + side + 14.0);
        let _ = writeln!(
            body,
            r#"<text x="{}" y="{}" text-anchor="end" transform="rotate(-40 {} {})">{}</text>"#,
            n(x),
            n(y),
            n(x),
            n(y),
            escape(l)
        );
    }
    body.push_str("</g>\n");
    let below = top + side + widest * 0.65 + 26.0;
    let f = Frame {
        left,
        top,
        width: side,
        height: side,
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    };
    if m < 2 {
        note(&mut body, &f, t(lang, Phrase::NoData));
    }
    let legend_text = t(lang, Phrase::QLegend);
    let _ = writeln!(
        body,
        r##"<text class="note" x="{}" y="{}" fill="#555555" font-size="11">{}</text>"##,
        n(left.min(LEFT)),
        n(below),
        escape(legend_text)
    );
    let width = (left + side + RIGHT).max(left.min(LEFT) + text_width(legend_text, 11.0) + RIGHT);
    document(
        "diversity",
        t(lang, Phrase::DiversityPlotTitle),
        width,
        below + 16.0,
        &body,
    )
}
