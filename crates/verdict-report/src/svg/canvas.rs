//! Drawing primitives shared by every plot: number formatting, escaping, "nice" ticks, the plot
//! frame (data → pixel mapping), axes and grid, and the legend with its placement.
//!
//! Everything writes into a `String` with `std::fmt::Write`; writing to a `String` cannot fail, so
//! the `fmt::Result`s are discarded.

use std::fmt::Write;

/// Okabe–Ito colours, ordered for lines on white: blue, vermillion, bluish green, reddish purple,
/// orange, sky blue, black, then yellow (weak on white, so last).
pub(crate) const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// Dash patterns for series beyond the palette (series `i` uses `DASHES[i / 8 % 4]`).
const DASHES: [Option<&str>; 4] = [None, Some("6 3"), Some("2 2"), Some("8 3 2 3")];

/// Text colour of labels.
pub(crate) const INK: &str = "#333333";
/// Colour of reference lines (chance diagonal, no-skill baseline, perfect calibration).
pub(crate) const REFERENCE: &str = "#777777";

/// Font stack: Latin first, then the usual Korean system fonts.
pub(crate) const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans KR', 'Noto Sans CJK KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif";

/// Stroke colour and optional dash pattern of series `i`.
pub(crate) fn series_style(i: usize) -> (&'static str, Option<&'static str>) {
    (
        PALETTE[i % PALETTE.len()],
        DASHES[i / PALETTE.len() % DASHES.len()],
    )
}

/// Appends `v` with at most 2 decimals, trailing zeros trimmed (`12`, `12.5`, `12.34`), never
/// `-0`. Callers only pass finite values.
pub(crate) fn num(out: &mut String, v: f64) {
    let start = out.len();
    let _ = write!(out, "{v:.2}");
    if out[start..].contains('.') {
        while out.ends_with('0') {
            out.pop();
        }
        if out.ends_with('.') {
            out.pop();
        }
    }
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

/// [`num`] as a new string.
pub(crate) fn n(v: f64) -> String {
    let mut s = String::new();
    num(&mut s, v);
    s
}

/// Appends `s` escaped for XML text and attribute values (`& < > " '`). Characters XML 1.0
/// forbids (C0 controls other than tab, newline, carriage return) are dropped.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// [`escape_into`] as a new string.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// Heckbert's "nice number": a number of the form {1, 2, 5, 10}·10ᵏ near `x` (rounded when
/// `round`, otherwise the smallest such number ≥ `x`).
fn nice_num(x: f64, round: bool) -> f64 {
    let exp = x.log10().floor();
    let base = 10f64.powf(exp);
    let f = x / base;
    let nf = if round {
        if f < 1.5 {
            1.0
        } else if f < 3.0 {
            2.0
        } else if f < 7.0 {
            5.0
        } else {
            10.0
        }
    } else if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nf * base
}

/// "Nice" ticks (Heckbert's loose labelling) covering `[lo, hi]` with about `target` ticks:
/// multiples of a step of the form {1, 2, 5}·10ᵏ, from the last multiple ≤ `lo` to the first
/// multiple ≥ `hi`. Returns the ticks and the step. A degenerate or non-finite range gives
/// `[lo]` (or `[0]`) and step 0.
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    if !lo.is_finite() || !hi.is_finite() || hi <= lo || target < 2 {
        return (vec![if lo.is_finite() { lo } else { 0.0 }], 0.0);
    }
    let range = nice_num(hi - lo, false);
    let step = nice_num(range / (target - 1) as f64, true);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    // Integer multiples, so 0.6 is 3·0.2 and not an accumulated sum.
    let ticks = (first as i64..=last as i64)
        .map(|k| {
            let v = k as f64 * step;
            // Round away representation noise (3·0.2 = 0.6000000000000001).
            let digits = decimals(step) as i32 + 2;
            let p = 10f64.powi(digits);
            (v * p).round() / p
        })
        .collect();
    (ticks, step)
}

/// Decimals needed to print multiples of `step` exactly (0.2 → 1, 0.05 → 2, 100 → 0).
pub(crate) fn decimals(step: f64) -> usize {
    if step <= 0.0 || !step.is_finite() {
        return 0;
    }
    let d = -(step.log10() + 1e-9).floor();
    if d > 0.0 { d as usize } else { 0 }
}

/// Rough width of `s` in pixels at `size` px: Hangul, CJK and other wide characters count 1 em,
/// Latin letters about 0.55–0.65 em. It errs on the wide side so boxes do not clip their text.
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            ' ' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'i' | 'j' | 'l' | 'I' | '(' | ')'
            | '[' | ']' => 0.32,
            'f' | 't' | 'r' | '-' => 0.4,
            'm' | 'w' | 'M' | 'W' | '@' => 0.9,
            'A'..='Z' => 0.68,
            '0'..='9' | 'a'..='z' | '_' => 0.58,
            c if c.is_ascii() => 0.6,
            c if (c as u32) >= 0x1100 => 1.0,
            _ => 0.65,
        })
        .sum();
    em * size
}

/// A rectangle in pixels: `(x0, y0, x1, y1)` with `x0 ≤ x1`, `y0 ≤ y1`.
pub(crate) type Rect = (f64, f64, f64, f64);

/// A plot area and the data ranges it shows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// Left edge in pixels.
    pub(crate) left: f64,
    /// Top edge in pixels.
    pub(crate) top: f64,
    /// Width in pixels.
    pub(crate) width: f64,
    /// Height in pixels.
    pub(crate) height: f64,
    /// Data range on x.
    pub(crate) x: (f64, f64),
    /// Data range on y.
    pub(crate) y: (f64, f64),
}

impl Frame {
    pub(crate) fn right(&self) -> f64 {
        self.left + self.width
    }

    pub(crate) fn bottom(&self) -> f64 {
        self.top + self.height
    }

    /// Pixel x of data x, clamped to 4 px outside the frame (values outside the range stay
    /// visible at the edge instead of running across the picture).
    pub(crate) fn px(&self, x: f64) -> f64 {
        let t = (x - self.x.0) / (self.x.1 - self.x.0);
        (self.left + t * self.width).clamp(self.left - 4.0, self.right() + 4.0)
    }

    /// Pixel y of data y (upwards), clamped like [`Frame::px`].
    pub(crate) fn py(&self, y: f64) -> f64 {
        let t = (y - self.y.0) / (self.y.1 - self.y.0);
        (self.bottom() - t * self.height).clamp(self.top - 4.0, self.bottom() + 4.0)
    }
}

/// Ticks and label of one axis.
pub(crate) struct Axis<'a> {
    pub(crate) ticks: &'a [f64],
    /// Decimals of the tick labels; `None` draws tick marks without labels.
    pub(crate) decimals: Option<usize>,
    pub(crate) label: Option<&'a str>,
    /// Draw grid lines at the ticks.
    pub(crate) grid: bool,
}

/// Appends grid lines, the frame, tick marks, tick labels and axis labels of `f`.
pub(crate) fn axes(out: &mut String, f: &Frame, xa: &Axis<'_>, ya: &Axis<'_>) {
    let mut grid = String::new();
    for &t in xa.ticks.iter().filter(|_| xa.grid) {
        let x = n(f.px(t));
        let _ = write!(grid, "M{x} {}V{}", n(f.top), n(f.bottom()));
    }
    for &t in ya.ticks.iter().filter(|_| ya.grid) {
        let y = n(f.py(t));
        let _ = write!(grid, "M{} {y}H{}", n(f.left), n(f.right()));
    }
    if !grid.is_empty() {
        let _ = writeln!(
            out,
            r##"<path class="grid" d="{grid}" fill="none" stroke="#e5e5e5" stroke-width="1"/>"##
        );
    }
    out.push_str("<g class=\"axis\">\n");
    let _ = writeln!(
        out,
        r##"<rect class="frame" x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#555555" stroke-width="1"/>"##,
        n(f.left),
        n(f.top),
        n(f.width),
        n(f.height)
    );
    let mut marks = String::new();
    for &t in xa.ticks {
        let _ = write!(marks, "M{} {}v5", n(f.px(t)), n(f.bottom()));
    }
    for &t in ya.ticks {
        let _ = write!(marks, "M{} {}h-5", n(f.left), n(f.py(t)));
    }
    let _ = writeln!(
        out,
        r##"<path class="ticks" d="{marks}" fill="none" stroke="#555555" stroke-width="1"/>"##
    );
    let _ = writeln!(
        out,
        r#"<g class="tick-labels" fill="{INK}" font-size="11">"#
    );
    if let Some(d) = xa.decimals {
        for &t in xa.ticks {
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}" text-anchor="middle">{t:.d$}</text>"#,
                n(f.px(t)),
                n(f.bottom() + 18.0)
            );
        }
    }
    if let Some(d) = ya.decimals {
        for &t in ya.ticks {
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}" text-anchor="end">{t:.d$}</text>"#,
                n(f.left - 8.0),
                n(f.py(t) + 4.0)
            );
        }
    }
    out.push_str("</g>\n");
    if let Some(l) = xa.label {
        let _ = writeln!(
            out,
            r#"<text class="axis-label" x="{}" y="{}" text-anchor="middle" fill="{INK}" font-size="13">{}</text>"#,
            n(f.left + f.width / 2.0),
            n(f.bottom() + 38.0),
            escape(l)
        );
    }
    if let Some(l) = ya.label {
        let (x, y) = (f.left - 44.0, f.top + f.height / 2.0);
        let _ = writeln!(
            out,
            r#"<text class="axis-label" x="{}" y="{}" text-anchor="middle" fill="{INK}" font-size="13" transform="rotate(-90 {} {})">{}</text>"#,
            n(x),
            n(y),
            n(x),
            n(y),
            escape(l)
        );
    }
    out.push_str("</g>\n");
}

/// Appends a centred note ("No data") in the middle of `f`.
pub(crate) fn note(out: &mut String, f: &Frame, text: &str) {
    let _ = writeln!(
        out,
        r##"<text class="note" x="{}" y="{}" text-anchor="middle" fill="#777777" font-size="14" stroke="#ffffff" stroke-width="6" stroke-linejoin="round" paint-order="stroke">{}</text>"##,
        n(f.left + f.width / 2.0),
        n(f.top + f.height / 2.0),
        escape(text)
    );
}

/// What a legend entry shows left of its label.
#[derive(Debug, Clone)]
pub(crate) enum Swatch {
    /// A line; `class` is the series class (`series-0`) or `reference`.
    Line {
        class: String,
        color: &'static str,
        dash: Option<&'static str>,
    },
    /// A filled square.
    Fill {
        class: &'static str,
        color: &'static str,
        opacity: &'static str,
    },
    /// Text only (summary lines such as "ECE 0.034").
    None,
}

/// One legend row.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) label: String,
    pub(crate) swatch: Swatch,
}

/// Legend labels longer than this many characters are shortened with "…" (the series' `<title>`
/// keeps the full name).
const MAX_LABEL_CHARS: usize = 40;
const ROW: f64 = 18.0;
const PAD: f64 = 8.0;
const SWATCH: f64 = 22.0;
const FONT_SIZE: f64 = 12.0;
/// Distance between an inside legend and the frame.
const INSET: f64 = 8.0;

/// A corner of the plot area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Corner {
    LowerRight,
    LowerLeft,
    UpperLeft,
    UpperRight,
}

/// Things a legend should not cover, in pixels.
#[derive(Debug, Default, Clone)]
pub(crate) struct Obstacles {
    /// Line segments `(x0, y0, x1, y1)`.
    pub(crate) segments: Vec<(f64, f64, f64, f64)>,
    /// Filled rectangles.
    pub(crate) rects: Vec<Rect>,
}

impl Obstacles {
    /// Adds the segments of a polyline (a lone point as a zero-length segment).
    pub(crate) fn polyline(&mut self, pts: &[(f64, f64)]) {
        if let [p] = pts {
            self.segments.push((p.0, p.1, p.0, p.1));
        }
        for w in pts.windows(2) {
            self.segments.push((w[0].0, w[0].1, w[1].0, w[1].1));
        }
    }

    fn hits(&self, b: Rect) -> bool {
        self.rects
            .iter()
            .any(|r| r.0 < b.2 && b.0 < r.2 && r.1 < b.3 && b.1 < r.3)
            || self.segments.iter().any(|&s| segment_hits_rect(s, b))
    }
}

/// Whether segment `s` meets rectangle `b` (Liang–Barsky clipping).
pub(crate) fn segment_hits_rect(s: (f64, f64, f64, f64), b: Rect) -> bool {
    let (x0, y0, x1, y1) = s;
    let (dx, dy) = (x1 - x0, y1 - y0);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (p, q) in [
        (-dx, x0 - b.0),
        (dx, b.2 - x0),
        (-dy, y0 - b.1),
        (dy, b.3 - y0),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
            if t0 > t1 {
                return false;
            }
        }
    }
    true
}

/// Where the legend goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Placement {
    /// Inside the plot area, top-left corner of the box at `(x, y)`.
    Inside(f64, f64),
    /// Below the picture (the canvas grows by [`Legend::height`] plus a margin).
    Below,
}

/// A laid-out legend.
#[derive(Debug, Clone)]
pub(crate) struct Legend {
    entries: Vec<(String, Swatch)>,
    pub(crate) width: f64,
    pub(crate) height: f64,
}

impl Legend {
    pub(crate) fn new(entries: Vec<Entry>) -> Self {
        let entries: Vec<(String, Swatch)> = entries
            .into_iter()
            .map(|e| {
                let label = if e.label.chars().count() > MAX_LABEL_CHARS {
                    let mut s: String = e.label.chars().take(MAX_LABEL_CHARS - 1).collect();
                    s.push('…');
                    s
                } else {
                    e.label
                };
                (label, e.swatch)
            })
            .collect();
        let text = entries
            .iter()
            .map(|(l, s)| {
                let indent = if matches!(s, Swatch::None) {
                    0.0
                } else {
                    SWATCH + 6.0
                };
                indent + text_width(l, FONT_SIZE)
            })
            .fold(0.0, f64::max);
        Legend {
            width: (2.0 * PAD + text).ceil(),
            height: 2.0 * PAD + ROW * entries.len() as f64 - 4.0,
            entries,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first corner (in `prefs` order) whose box meets neither `hard` nor `soft` obstacles,
    /// else the first that avoids `hard` ones, else [`Placement::Below`].
    pub(crate) fn place(
        &self,
        f: &Frame,
        prefs: &[Corner],
        hard: &Obstacles,
        soft: &Obstacles,
    ) -> Placement {
        if self.width + 2.0 * INSET > f.width || self.height + 2.0 * INSET > f.height {
            return Placement::Below;
        }
        let boxes: Vec<(f64, f64)> = prefs
            .iter()
            .map(|c| {
                let x = match c {
                    Corner::LowerLeft | Corner::UpperLeft => f.left + INSET,
                    Corner::LowerRight | Corner::UpperRight => f.right() - INSET - self.width,
                };
                let y = match c {
                    Corner::UpperLeft | Corner::UpperRight => f.top + INSET,
                    Corner::LowerLeft | Corner::LowerRight => f.bottom() - INSET - self.height,
                };
                (x, y)
            })
            .collect();
        // A little air around the box counts as covered too.
        let rect = |(x, y): (f64, f64)| {
            (
                x - 2.0,
                y - 2.0,
                x + self.width + 2.0,
                y + self.height + 2.0,
            )
        };
        if let Some(&(x, y)) = boxes
            .iter()
            .find(|&&b| !hard.hits(rect(b)) && !soft.hits(rect(b)))
            .or_else(|| boxes.iter().find(|&&b| !hard.hits(rect(b))))
        {
            Placement::Inside(x, y)
        } else {
            Placement::Below
        }
    }

    /// Appends the legend with its box's top-left corner at `(x, y)`.
    pub(crate) fn render(&self, out: &mut String, x: f64, y: f64) {
        let _ = writeln!(
            out,
            r##"<g class="legend" font-size="12" fill="{INK}">
<rect class="legend-box" x="{}" y="{}" width="{}" height="{}" rx="3" fill="#ffffff" fill-opacity="0.9" stroke="#cccccc" stroke-width="1"/>"##,
            n(x),
            n(y),
            n(self.width),
            n(self.height)
        );
        for (i, (label, swatch)) in self.entries.iter().enumerate() {
            let mid = y + PAD + ROW * i as f64 + 5.0;
            let sx = x + PAD;
            let tx = match swatch {
                Swatch::None => sx,
                _ => sx + SWATCH + 6.0,
            };
            match swatch {
                Swatch::Line { class, color, dash } => {
                    let _ = write!(
                        out,
                        r#"<line class="{class}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{color}" stroke-width="2""#,
                        n(sx),
                        n(mid),
                        n(sx + SWATCH),
                        n(mid)
                    );
                    if let Some(d) = dash {
                        let _ = write!(out, r#" stroke-dasharray="{d}""#);
                    }
                    out.push_str("/>\n");
                }
                Swatch::Fill {
                    class,
                    color,
                    opacity,
                } => {
                    let _ = writeln!(
                        out,
                        r#"<rect class="{class}" x="{}" y="{}" width="{}" height="10" fill="{color}" fill-opacity="{opacity}" stroke="{color}" stroke-width="1"/>"#,
                        n(sx + 4.0),
                        n(mid - 5.0),
                        n(SWATCH - 8.0)
                    );
                }
                Swatch::None => {}
            }
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}">{}</text>"#,
                n(tx),
                n(mid + 4.0),
                escape(label)
            );
        }
        out.push_str("</g>\n");
    }
}

/// Wraps `body` in the `<svg>` element: `viewBox`, size, `role="img"` with a `<title>` as its
/// accessible name, the font stack and a white background (`.background`, themable).
pub(crate) fn document(kind: &str, title: &str, width: f64, height: f64, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 600);
    let (w, h) = (n(width), n(height));
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="verdict-plot verdict-{kind}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" font-family="{FONT}" font-size="12">
<title>{}</title>
<rect class="background" width="{w}" height="{h}" fill="#ffffff"/>"##,
        escape(title)
    );
    out.push_str(body);
    out.push_str("</svg>\n");
    out
}
