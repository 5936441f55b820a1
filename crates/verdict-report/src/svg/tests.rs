//! Unit tests of the primitives, snapshot tests of the three plots (`tests/snapshots/svg/*.svg`,
//! rewritten with `UPDATE_SNAPSHOTS=1`) and an XML well-formedness check of every output.

use super::canvas::{
    Corner, Entry, Frame, Legend, Obstacles, Placement, Swatch, decimals, escape, n, nice_ticks,
    segment_hits_rect, text_width,
};
use super::decimate::{MAX_POINTS, finite_points, lttb, simplify, steps_post};
use super::*;
use verdict_core::calibration::Bin;

// ---------------------------------------------------------------- well-formedness

/// A minimal XML well-formedness check: one root element, balanced and properly nested tags,
/// quoted attributes without duplicates, no raw `<` or `&` in text or attribute values, only
/// the predefined or numeric entity references. Returns the element names in document order.
fn check_xml(s: &str) -> Result<Vec<String>, String> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut roots = 0;
    let entity = |rest: &str| -> Result<usize, String> {
        let end = rest
            .find(';')
            .ok_or_else(|| format!("unterminated entity at {rest:.20}"))?;
        let name = &rest[1..end];
        let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || name
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if ok {
            Ok(end + 1)
        } else {
            Err(format!("bad entity &{name};"))
        }
    };
    while i < b.len() {
        match b[i] {
            b'<' => {
                if s[i..].starts_with("<!--") {
                    i += s[i..].find("-->").ok_or("unterminated comment")? + 3;
                    continue;
                }
                if s[i..].starts_with("<?") {
                    i += s[i..].find("?>").ok_or("unterminated PI")? + 2;
                    continue;
                }
                let closing = b.get(i + 1) == Some(&b'/');
                let mut j = i + 1 + usize::from(closing);
                let start = j;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b"-_:.".contains(&b[j])) {
                    j += 1;
                }
                let name = s[start..j].to_string();
                if name.is_empty() {
                    return Err(format!("bad tag at byte {i}"));
                }
                if closing {
                    while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                        j += 1;
                    }
                    if b.get(j) != Some(&b'>') {
                        return Err(format!("bad closing tag </{name}"));
                    }
                    match stack.pop() {
                        Some(open) if open == name => {}
                        other => return Err(format!("</{name}> closes {other:?}")),
                    }
                    i = j + 1;
                    continue;
                }
                let at_root = stack.is_empty();
                // Attributes.
                let mut attrs: Vec<String> = Vec::new();
                loop {
                    let ws = j;
                    while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                        j += 1;
                    }
                    match b.get(j) {
                        Some(b'>') => {
                            stack.push(name.clone());
                            j += 1;
                            break;
                        }
                        Some(b'/') if b.get(j + 1) == Some(&b'>') => {
                            j += 2;
                            break;
                        }
                        Some(_) if j > ws => {
                            let a0 = j;
                            while j < b.len() && b[j] != b'=' && !b[j].is_ascii_whitespace() {
                                j += 1;
                            }
                            let attr = s[a0..j].to_string();
                            if b.get(j) != Some(&b'=') {
                                return Err(format!("attribute {attr} of <{name}> has no value"));
                            }
                            j += 1;
                            let q = *b.get(j).ok_or("eof in attribute")?;
                            if q != b'"' && q != b'\'' {
                                return Err(format!("unquoted attribute {attr} of <{name}>"));
                            }
                            let v0 = j + 1;
                            let len = s[v0..].find(q as char).ok_or("unterminated attribute")?;
                            let value = &s[v0..v0 + len];
                            if value.contains('<') {
                                return Err(format!("'<' in attribute {attr}"));
                            }
                            let mut k = 0;
                            while let Some(p) = value[k..].find('&') {
                                k += p + entity(&value[k + p..])?;
                            }
                            if attrs.contains(&attr) {
                                return Err(format!("duplicate attribute {attr} on <{name}>"));
                            }
                            attrs.push(attr);
                            j = v0 + len + 1;
                        }
                        _ => return Err(format!("malformed tag <{name}")),
                    }
                }
                if at_root {
                    roots += 1;
                }
                names.push(name);
                i = j;
            }
            b'&' => {
                i += entity(&s[i..])?;
            }
            b'>' => return Err(format!("raw '>' in text at byte {i}")),
            c => {
                if stack.is_empty() && !c.is_ascii_whitespace() {
                    return Err(format!("text outside the root at byte {i}"));
                }
                i += 1;
            }
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(names)
}

#[test]
fn xml_checker_rejects_malformed_documents() {
    assert!(check_xml("<a><b/></a>").is_ok());
    assert!(check_xml(r#"<a x="1 &amp; 2"><b y='&#39;'>t &lt; u</b></a>"#).is_ok());
    for bad in [
        "<a><b></a></b>",
        "<a>",
        "<a></a><b/>",
        "<a x=1/>",
        r#"<a x="1" x="2"/>"#,
        "<a>x & y</a>",
        "<a>x > y</a>",
        r#"<a x="<"/>"#,
        "<a>&nbsp;</a>",
        "text<a/>",
    ] {
        assert!(check_xml(bad).is_err(), "accepted {bad}");
    }
}

// ---------------------------------------------------------------- primitives

#[test]
fn ticks_are_nice() {
    assert_eq!(
        nice_ticks(0.0, 1.0, 6).0,
        vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    );
    assert_eq!(nice_ticks(0.0, 1.0, 6).1, 0.2);
    assert_eq!(nice_ticks(0.0, 123.0, 3).0, vec![0.0, 100.0, 200.0]);
    assert_eq!(nice_ticks(0.0, 1.0, 3).0, vec![0.0, 0.5, 1.0]);
    assert_eq!(nice_ticks(0.0, 7.0, 3).0, vec![0.0, 5.0, 10.0]);
    assert_eq!(nice_ticks(0.0, 0.3, 4).0, vec![0.0, 0.2, 0.4]);
    assert_eq!(nice_ticks(-1.0, 1.0, 5).0, vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
    // Degenerate ranges.
    assert_eq!(nice_ticks(0.5, 0.5, 6).0, vec![0.5]);
    assert_eq!(nice_ticks(f64::NAN, 1.0, 6).0, vec![0.0]);
    assert_eq!(decimals(0.2), 1);
    assert_eq!(decimals(0.05), 2);
    assert_eq!(decimals(0.1), 1);
    assert_eq!(decimals(1.0), 0);
    assert_eq!(decimals(100.0), 0);
}

#[test]
fn numbers_have_at_most_two_decimals() {
    assert_eq!(n(12.0), "12");
    assert_eq!(n(12.5), "12.5");
    assert_eq!(n(12.345_678), "12.35");
    assert_eq!(n(0.004), "0");
    assert_eq!(n(-0.004), "0");
    assert_eq!(n(-3.1), "-3.1");
    assert_eq!(n(100.0), "100");
}

#[test]
fn escaping() {
    assert_eq!(
        escape(r#"a&b <c> "d" 'e'"#),
        "a&amp;b &lt;c&gt; &quot;d&quot; &#39;e&#39;"
    );
    assert_eq!(escape("모델\u{0}\u{1b}x\ty"), "모델x\ty");
    assert_eq!(escape("&amp;"), "&amp;amp;");
}

#[test]
fn text_width_counts_hangul_wide() {
    assert!(text_width("진양성률", 12.0) > text_width("abcd", 12.0));
    assert_eq!(text_width("", 12.0), 0.0);
}

#[test]
fn lttb_keeps_ends_and_order_and_spikes() {
    let pts: Vec<(f64, f64)> = (0..10_000)
        .map(|i| {
            let x = i as f64 / 9_999.0;
            (x, if i == 4_321 { 5.0 } else { x * x })
        })
        .collect();
    let d = lttb(&pts, MAX_POINTS);
    assert_eq!(d.len(), MAX_POINTS);
    assert_eq!(d[0], pts[0]);
    assert_eq!(d[d.len() - 1], pts[pts.len() - 1]);
    assert!(d.windows(2).all(|w| w[0].0 < w[1].0), "order kept");
    assert!(d.contains(&pts[4_321]), "spike kept");
    // Small inputs are unchanged.
    assert_eq!(lttb(&pts[..5], MAX_POINTS), pts[..5].to_vec());
    assert_eq!(lttb(&pts[..MAX_POINTS], MAX_POINTS).len(), MAX_POINTS);
    assert_eq!(lttb(&pts[..MAX_POINTS + 1], MAX_POINTS).len(), MAX_POINTS);
    // Deterministic.
    assert_eq!(lttb(&pts, 100), lttb(&pts, 100));
}

#[test]
fn non_finite_points_are_dropped() {
    let x = [0.0, f64::NAN, 0.5, 1.0, f64::INFINITY];
    let y = [0.0, 0.5, f64::NEG_INFINITY, 1.0, 1.0];
    assert_eq!(finite_points(&x, &y), vec![(0.0, 0.0), (1.0, 1.0)]);
    // The shorter slice bounds the pairs.
    assert_eq!(finite_points(&x[..1], &y), vec![(0.0, 0.0)]);
}

#[test]
fn steps_post_runs_horizontally_first() {
    // sklearn order: decreasing recall, ending at (0, 1).
    let pts = [(1.0, 0.5), (0.5, 0.8), (0.0, 1.0)];
    assert_eq!(
        steps_post(&pts),
        vec![(1.0, 0.5), (0.5, 0.5), (0.5, 0.8), (0.0, 0.8), (0.0, 1.0)]
    );
    assert_eq!(steps_post(&[]), vec![]);
}

#[test]
fn simplify_drops_duplicates_and_straight_middles() {
    let pts = vec![
        (0.0, 0.0),
        (0.0, 0.0),
        (1.0, 0.0),
        (2.0, 0.0),
        (2.0, 1.0),
        (1.0, 1.0),
    ];
    assert_eq!(
        simplify(pts),
        vec![(0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0)]
    );
    // A reversal on one line is kept (it is not a middle point).
    let back = vec![(0.0, 0.0), (2.0, 0.0), (1.0, 0.0)];
    assert_eq!(simplify(back.clone()), back);
}

#[test]
fn segments_and_rects() {
    let b = (10.0, 10.0, 20.0, 20.0);
    assert!(segment_hits_rect((0.0, 0.0, 30.0, 30.0), b));
    assert!(segment_hits_rect((15.0, 15.0, 15.0, 15.0), b));
    assert!(!segment_hits_rect((0.0, 0.0, 30.0, 5.0), b));
    assert!(!segment_hits_rect((0.0, 30.0, 30.0, 25.0), b));
    assert!(!segment_hits_rect((0.0, 0.0, 5.0, 5.0), b));
}

#[test]
fn legend_avoids_curves() {
    let f = Frame {
        left: 0.0,
        top: 0.0,
        width: 360.0,
        height: 360.0,
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    };
    let l = Legend::new(vec![Entry {
        label: "model".into(),
        swatch: Swatch::None,
    }]);
    let prefs = [Corner::LowerRight, Corner::UpperLeft];
    let none = Obstacles::default();
    let Placement::Inside(x, y) = l.place(&f, &prefs, &none, &none) else {
        panic!("inside expected")
    };
    assert!(x > 180.0 && y > 180.0, "lower right");
    // A curve along the bottom edge pushes it to the upper left.
    let mut bottom = Obstacles::default();
    bottom.polyline(&[(0.0, 350.0), (360.0, 350.0)]);
    let Placement::Inside(x, y) = l.place(&f, &prefs, &bottom, &none) else {
        panic!("inside expected")
    };
    assert!(x < 180.0 && y < 180.0, "upper left");
    // Soft obstacles only matter when there is a choice.
    assert!(matches!(l.place(&f, &prefs, &none, &bottom), Placement::Inside(_, y) if y < 180.0));
    // Blocked everywhere: below the plot.
    let mut all = Obstacles::default();
    all.rects.push((0.0, 0.0, 360.0, 360.0));
    assert_eq!(l.place(&f, &prefs, &all, &none), Placement::Below);
    assert!(matches!(
        l.place(&f, &prefs, &bottom, &all),
        Placement::Inside(..)
    ));
}

// ---------------------------------------------------------------- plots

const A_FPR: [f64; 6] = [0.0, 0.0, 0.1, 0.3, 0.6, 1.0];
const A_TPR: [f64; 6] = [0.0, 0.4, 0.7, 0.85, 0.95, 1.0];
const B_FPR: [f64; 5] = [0.0, 0.2, 0.4, 0.7, 1.0];
const B_TPR: [f64; 5] = [0.0, 0.35, 0.6, 0.8, 1.0];
/// sklearn order: increasing thresholds, so decreasing recall, ending at (recall 0, precision 1).
const A_PREC: [f64; 6] = [0.4, 0.5, 0.62, 0.8, 0.9, 1.0];
const A_REC: [f64; 6] = [1.0, 0.95, 0.85, 0.7, 0.4, 0.0];
const B_PREC: [f64; 5] = [0.4, 0.45, 0.55, 0.7, 1.0];
const B_REC: [f64; 5] = [1.0, 0.8, 0.6, 0.35, 0.0];

fn two_roc() -> [Series<'static>; 2] {
    [
        Series {
            name: "gbm_v2.parquet",
            x: &A_FPR,
            y: &A_TPR,
            summary: Some(0.8725),
        },
        Series {
            name: "logreg <baseline> & \"old\"",
            x: &B_FPR,
            y: &B_TPR,
            summary: Some(0.64),
        },
    ]
}

fn two_pr() -> [Series<'static>; 2] {
    [
        Series {
            name: "gbm_v2.parquet",
            x: &A_REC,
            y: &A_PREC,
            summary: Some(0.7431),
        },
        Series {
            name: "logreg <baseline> & \"old\"",
            x: &B_REC,
            y: &B_PREC,
            summary: Some(0.5512),
        },
    ]
}

fn calibration() -> Calibration {
    let bin = |lower: f64, count: u64, conf: f64, acc: f64| Bin {
        lower,
        upper: lower + 0.1,
        count,
        mean_confidence: conf,
        accuracy: acc,
    };
    Calibration {
        bins: vec![
            bin(0.5, 40, 0.56, 0.52),
            bin(0.6, 55, 0.65, 0.58),
            bin(0.7, 80, 0.75, 0.66),
            bin(0.8, 130, 0.85, 0.74),
            bin(0.9, 260, 0.96, 0.9),
        ],
        ece: 0.0712,
        mce: 0.11,
        mean_confidence: 0.85,
        accuracy: 0.78,
        high_conf_n: 260,
        high_conf_error_rate: 0.1,
    }
}

fn empty_calibration() -> Calibration {
    Calibration {
        bins: vec![],
        ece: f64::NAN,
        mce: f64::NAN,
        mean_confidence: f64::NAN,
        accuracy: f64::NAN,
        high_conf_n: 0,
        high_conf_error_rate: f64::NAN,
    }
}

/// Compares `actual` with `tests/snapshots/svg/<name>` (verdict-testkit; `UPDATE_SNAPSHOTS=1`
/// writes it instead).
fn snapshot(name: &str, actual: &str) {
    verdict_testkit::snapshot(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots/svg")
            .join(name),
        actual,
    );
}

/// Well-formed, rooted at `<svg>` with a `viewBox`, no non-finite numbers.
fn check_svg(svg: &str) -> Vec<String> {
    let names = check_xml(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"));
    assert_eq!(names.first().map(String::as_str), Some("svg"));
    assert!(svg.contains("viewBox=\"0 0 "));
    for bad in ["NaN", "inf"] {
        assert!(!svg.contains(bad), "{bad} in output");
    }
    names
}

#[test]
fn roc_snapshot() {
    let en = roc_plot(&two_roc(), Lang::En);
    check_svg(&en);
    assert!(en.contains("gbm_v2.parquet (AUC 0.873)"));
    assert!(en.contains("logreg &lt;baseline&gt; &amp; &quot;old&quot;"));
    assert!(en.contains("False positive rate") && en.contains("True positive rate"));
    snapshot("roc.svg", &en);
    let ko = roc_plot(&two_roc(), Lang::Ko);
    check_svg(&ko);
    assert!(ko.contains("위양성률") && ko.contains("진양성률"));
    snapshot("roc_ko.svg", &ko);
}

#[test]
fn pr_snapshot() {
    let en = pr_plot(&two_pr(), Some(0.4), Lang::En);
    check_svg(&en);
    assert!(en.contains("gbm_v2.parquet (AP 0.743)"));
    assert!(en.contains("Chance (AP 0.400)"));
    snapshot("pr.svg", &en);
    let ko = pr_plot(&two_pr(), None, Lang::Ko);
    check_svg(&ko);
    assert!(ko.contains("재현율") && ko.contains("정밀도"));
    assert!(
        !ko.contains("class=\"reference\""),
        "no baseline without prevalence"
    );
}

#[test]
fn pr_is_drawn_as_steps() {
    let s = [Series {
        name: "m",
        x: &[1.0, 0.5, 0.0],
        y: &[0.5, 0.8, 1.0],
        summary: None,
    }];
    let svg = pr_plot(&s, None, Lang::En);
    // (1, 0.5) → (0.5, 0.5) → (0.5, 0.8) → (0, 0.8) → (0, 1), in pixels.
    assert!(
        svg.contains(r#"points="424,196 244,196 244,88 64,88 64,16""#),
        "{svg}"
    );
}

#[test]
fn reliability_snapshot() {
    let en = reliability_plot(&calibration(), Lang::En);
    let names = check_svg(&en);
    assert_eq!(
        names.iter().filter(|n| *n == "title").count(),
        1 + 5,
        "svg + one per bin"
    );
    assert!(en.contains("ECE 0.071 · MCE 0.110"));
    assert!(en.contains("(0.900, 1.000] · n = 260 · Mean confidence 0.960 · Accuracy 0.900"));
    snapshot("reliability.svg", &en);
    let ko = reliability_plot(&calibration(), Lang::Ko);
    check_svg(&ko);
    assert!(ko.contains("정확도") && ko.contains("신뢰도"));
}

#[test]
fn empty_inputs_give_axes_and_a_note() {
    for (name, svg) in [
        ("roc_empty.svg", roc_plot(&[], Lang::En)),
        ("pr_empty.svg", pr_plot(&[], Some(0.1), Lang::En)),
        (
            "reliability_empty.svg",
            reliability_plot(&empty_calibration(), Lang::En),
        ),
    ] {
        check_svg(&svg);
        assert!(
            svg.contains("class=\"axis\"") && svg.contains("No data"),
            "{name}"
        );
        snapshot(name, &svg);
    }
    assert!(roc_plot(&[], Lang::Ko).contains("데이터 없음"));
}

#[test]
fn non_finite_values_are_skipped() {
    let x = [0.0, f64::NAN, 0.5, 1.0];
    let y = [0.0, 0.3, f64::INFINITY, 1.0];
    let all_nan = [f64::NAN; 3];
    let s = [
        Series {
            name: "m",
            x: &x,
            y: &y,
            summary: Some(f64::NAN),
        },
        Series {
            name: "absent class",
            x: &all_nan,
            y: &all_nan,
            summary: None,
        },
    ];
    let roc = roc_plot(&s, Lang::En);
    check_svg(&roc);
    assert!(roc.contains(r#"points="64,376 424,16""#), "{roc}");
    assert!(roc.contains("<title>m</title>") && roc.contains("absent class"));
    assert!(!roc.contains("No data"));
    check_svg(&pr_plot(&s, Some(f64::NAN), Lang::En));
    check_svg(&roc_plot(&s[1..], Lang::En));
    assert!(roc_plot(&s[1..], Lang::En).contains("No data"));
    let mut cal = calibration();
    cal.bins[0].accuracy = f64::NAN;
    cal.bins[1].lower = f64::NAN;
    cal.mce = f64::INFINITY;
    check_svg(&reliability_plot(&cal, Lang::En));
}

#[test]
fn million_point_roc_is_decimated() {
    let len = 1_000_000;
    let fpr: Vec<f64> = (0..len).map(|i| i as f64 / (len - 1) as f64).collect();
    let tpr: Vec<f64> = fpr.iter().map(|x| x.sqrt()).collect();
    let s = [Series {
        name: "big",
        x: &fpr,
        y: &tpr,
        summary: Some(0.667),
    }];
    let svg = roc_plot(&s, Lang::En);
    check_svg(&svg);
    let points = svg
        .split("points=\"")
        .nth(1)
        .and_then(|p| p.split('"').next())
        .expect("polyline");
    let count = points.split(' ').count();
    assert!(count <= MAX_POINTS, "{count} points");
    assert!(
        points.starts_with("64,376 ") && points.ends_with(" 424,16"),
        "ends kept"
    );
    assert!(svg.len() < 60_000, "{} bytes", svg.len());
    // PR steps at most double the decimated points.
    let pr = pr_plot(&s, None, Lang::En);
    assert!(pr.len() < 120_000, "{} bytes", pr.len());
}

#[test]
fn legend_does_not_cover_a_curve_through_the_lower_right() {
    // A worse-than-chance model runs through the lower right: the legend moves.
    let x = [0.0, 0.6, 0.95, 1.0];
    let y = [0.0, 0.02, 0.05, 1.0];
    let s = [Series {
        name: "inverted",
        x: &x,
        y: &y,
        summary: Some(0.1),
    }];
    let svg = roc_plot(&s, Lang::En);
    let legend = svg
        .split("<rect class=\"legend-box\" x=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|v| v.parse::<f64>().ok())
        .expect("legend box");
    assert!(legend < 64.0 + 180.0, "legend at x = {legend}");
}

#[test]
fn many_series_repeat_colours_with_dashes() {
    let x = [0.0, 1.0];
    let names: Vec<String> = (0..10).map(|i| format!("model-{i}")).collect();
    let s: Vec<Series<'_>> = names
        .iter()
        .map(|nm| Series {
            name: nm,
            x: &x,
            y: &x,
            summary: None,
        })
        .collect();
    let svg = roc_plot(&s, Lang::En);
    check_svg(&svg);
    assert!(svg.contains("class=\"series-9\""));
    assert!(svg.contains("stroke-dasharray=\"6 3\""));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(
        roc_plot(&two_roc(), Lang::En),
        roc_plot(&two_roc(), Lang::En)
    );
    assert_eq!(
        reliability_plot(&calibration(), Lang::Ko),
        reliability_plot(&calibration(), Lang::Ko)
    );
}

/// With `SVG_PREVIEW_DIR=/some/dir`, writes harder cases (many series, long names, legend pushed
/// below, a decimated 1e6-point curve) there for looking at; otherwise does nothing.
#[test]
fn preview_gallery() {
    let Some(dir) = std::env::var_os("SVG_PREVIEW_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let write = |name: &str, svg: String| {
        check_svg(&svg);
        std::fs::write(dir.join(name), svg).expect("write preview");
    };
    // Many models with long names.
    let curves: Vec<(String, Vec<f64>, Vec<f64>)> = (0..9)
        .map(|k| {
            let p = 1.0 + k as f64 * 0.6;
            let x: Vec<f64> = (0..=50).map(|i| i as f64 / 50.0).collect();
            let y = x.iter().map(|v| v.powf(1.0 / p)).collect();
            (
                format!("experiment_{k}_resnet50_finetuned_lr3e-4_seed{k}.parquet"),
                x,
                y,
            )
        })
        .collect();
    let s: Vec<Series<'_>> = curves
        .iter()
        .map(|(nm, x, y)| Series {
            name: nm,
            x,
            y,
            summary: Some(0.5 + 0.04 * nm.len() as f64 / 10.0),
        })
        .collect();
    write("many_roc.svg", roc_plot(&s, Lang::En));
    // Legend blocked in every corner: curves through all four.
    let zig_x = [0.0, 0.02, 0.98, 0.98, 0.02, 0.02, 1.0];
    let zig_y = [0.0, 0.98, 0.98, 0.02, 0.02, 0.5, 1.0];
    let s2 = [Series {
        name: "zigzag",
        x: &zig_x,
        y: &zig_y,
        summary: Some(0.5),
    }];
    write("below_roc.svg", roc_plot(&s2, Lang::En));
    let len = 1_000_000;
    let fpr: Vec<f64> = (0..len).map(|i| i as f64 / (len - 1) as f64).collect();
    let tpr: Vec<f64> = fpr.iter().map(|x| x.powf(0.2)).collect();
    let prec: Vec<f64> = fpr.iter().map(|r| 1.0 - 0.8 * r * r).collect();
    let rec: Vec<f64> = fpr.iter().rev().copied().collect();
    let prec: Vec<f64> = prec.iter().rev().copied().collect();
    write(
        "big_roc.svg",
        roc_plot(
            &[Series {
                name: "big",
                x: &fpr,
                y: &tpr,
                summary: Some(0.83),
            }],
            Lang::En,
        ),
    );
    write(
        "big_pr.svg",
        pr_plot(
            &[Series {
                name: "big",
                x: &rec,
                y: &prec,
                summary: Some(0.73),
            }],
            Some(0.05),
            Lang::En,
        ),
    );
    write("roc_empty.svg", roc_plot(&[], Lang::En));
    write(
        "reliability_empty.svg",
        reliability_plot(&empty_calibration(), Lang::En),
    );
    write(
        "reliability.svg",
        reliability_plot(&calibration(), Lang::En),
    );
}

// ---------------------------------------------------------------- the ensemble's plots

#[test]
fn ensemble_plots_are_well_formed_in_both_languages() {
    let members = ["bert", "a member with a very long file stem", "lstm"];
    let given = [0.5, 0.3, 0.2];
    let learned = [0.6, f64::NAN, 0.4];
    let weightings = [
        WeightBars {
            label: "caruana",
            weights: &learned,
            intervals: Some(vec![(0.4, 0.8), (0.0, 0.3), (f64::NAN, 0.5)]),
        },
        WeightBars {
            label: "given",
            weights: &given,
            intervals: None,
        },
    ];
    let bars = [
        ContributionBar {
            member: "bert",
            contribution: 0.04,
            interval: Some((0.01, 0.07)),
        },
        ContributionBar {
            member: "lstm",
            contribution: -0.01,
            interval: Some((-0.03, 0.005)),
        },
        ContributionBar {
            member: "x",
            contribution: f64::NAN,
            interval: None,
        },
    ];
    let q = vec![
        vec![None, Some(0.93), Some(-0.4)],
        vec![Some(0.93), None, None],
        vec![Some(-0.4), None, None],
    ];
    for lang in [Lang::En, Lang::Ko] {
        let w = weights_plot(&members, &weightings, 0.9, lang);
        let c = contribution_plot(&bars, "accuracy", 0.95, lang);
        let d = diversity_plot(&members, &q, lang);
        for svg in [&w, &c, &d] {
            check_svg(svg);
            // The long name is shortened on the axis and whole in its tooltip.
            assert!(svg.contains("bert"));
        }
        assert!(
            w.contains("a member with a v…") && w.contains("a member with a very long file stem")
        );
        assert!(d.contains(">0.93<") && d.contains(">−0.40<") && d.contains(">—<"));
        assert!(c.contains("class=\"bar hurts\"") && c.contains("class=\"zero\""));
        let (title, interval) = match lang {
            Lang::En => ("Member weights", "90% interval"),
            Lang::Ko => ("구성 모델 가중치", "90% 구간"),
        };
        assert!(w.contains(&format!("<title>{title}</title>")) && w.contains(interval));
    }
    // Empty inputs give the axes and a note.
    for svg in [
        weights_plot(&[], &[], 0.9, Lang::En),
        contribution_plot(&[], "accuracy", 0.95, Lang::En),
        diversity_plot(&["only"], &[vec![None]], Lang::En),
    ] {
        check_svg(&svg);
        assert!(svg.contains("No data"), "{svg}");
    }
}

#[test]
fn history_plot_marks_the_best_step_and_says_when_there_is_nothing() {
    let (x, y) = ([1.0, 2.0, 3.0], [0.9, 0.5, 0.7]);
    let series = [Series {
        name: "val_<loss>",
        x: &x,
        y: &y,
        summary: None,
    }];
    let svg = history_plot("<loss>", &series, Some((2.0, 0.5)), Lang::En);
    check_xml(&svg).expect("well-formed");
    assert!(
        svg.contains("<g class=\"mark\"><title>best at step 2 (0.5000)</title>"),
        "{svg}"
    );
    assert!(svg.contains("val_&lt;loss&gt;"));
    // No finite point: the axes and the note, no series, no mark.
    let nan = [f64::NAN; 3];
    let empty = [Series {
        name: "val_loss",
        x: &x,
        y: &nan,
        summary: None,
    }];
    let svg = history_plot("loss", &empty, None, Lang::Ko);
    check_xml(&svg).expect("well-formed");
    assert!(svg.contains("데이터 없음"), "{svg}");
    assert!(!svg.contains("<polyline class=\"series-") && !svg.contains("class=\"mark\""));
}
