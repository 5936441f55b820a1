//! The HTML report: the Markdown report's sections laid out for a page, in one self-contained
//! file.
//!
//! Why a file of its own kind: a report is mailed, attached to a ticket, stored as a run's
//! artifact and opened years later, often offline. So the file carries everything it needs and
//! reaches for nothing: the CSS is inline, the plots are the same SVGs `--out-dir` writes, inlined
//! (without their `xmlns`, which HTML does not need), there is no script, no web font and no URL,
//! and a `Content-Security-Policy` meta element forbids any load a later edit could add. It reads
//! without JavaScript and prints (tables and plots are not split across pages).
//!
//! The content is the Markdown report's (the crate's `sections`): the same sections in the same
//! order, the verdict first. Every string is escaped (`& < > " '`), so a model or class named
//! `<img src=x onerror=alert(1)>` shows as text; the only markup a line carries, `**bold**` and
//! `` `code` ``, is applied after escaping.

use crate::i18n::Lang;
use crate::sections::{Block, Section};
use crate::svg::escape;
use crate::table::Align;

/// The document's style: system fonts, numeric columns right-aligned with tabular figures,
/// and no page break inside a table row or a plot.
const STYLE: &str = "\
:root{color-scheme:light}\
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Sans KR','Apple SD Gothic Neo',\
'Malgun Gothic',sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24;line-height:1.45}\
h1{font-size:1.6rem;margin:0 0 1rem}\
h2{font-size:1.15rem;margin:1.8rem 0 .6rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}\
ul{margin:.4rem 0;padding-left:1.3rem}\
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}\
th,td{border:1px solid #d0d7de;padding:.25rem .55rem;text-align:left;vertical-align:top}\
th{background:#f3f5f7}\
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\
code{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;font-size:.88em}\
figure{margin:1rem 0;break-inside:avoid}\
figure svg{max-width:100%;height:auto}\
figcaption{font-size:.85rem;color:#57606a}\
tr{break-inside:avoid}\
a{color:#0b5cad}nav{margin:0 0 1rem;font-size:.9rem}nav .lang{float:right}\
form{margin:.6rem 0}input{font:inherit;padding:.15rem .3rem}\
.error{color:#b42318;background:#fef3f2;border:1px solid #fecdca;padding:.4rem .6rem}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}nav,form{display:none}}";

/// The policy of the document: nothing may load, inline style only.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// A titled document of sections as one HTML file; `svgs` are `(file name, SVG)` for the
/// sections' plots ([`Block::Plot`] names a file; one missing from `svgs` shows its caption only).
pub(crate) fn render_sections(
    title: &str,
    lang: Lang,
    sections: &[Section],
    svgs: &[(String, String)],
) -> String {
    page(title, lang, &sections_body(title, sections, svgs))
}

/// The `<h1>` and the sections of [`render_sections`], without the page around them (a page of
/// the web UI puts its navigation first).
pub(crate) fn sections_body(
    title: &str,
    sections: &[Section],
    svgs: &[(String, String)],
) -> String {
    let mut s = String::with_capacity(16 * 1024);
    s.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    for sec in sections {
        s.push_str(&format!("<section>\n<h2>{}</h2>\n", escape(&sec.title)));
        let mut in_list = false;
        for b in &sec.blocks {
            let is_line = matches!(b, Block::Line(_));
            if in_list && !is_line {
                s.push_str("</ul>\n");
                in_list = false;
            }
            match b {
                Block::Line(l) => {
                    if !in_list {
                        s.push_str("<ul>\n");
                        in_list = true;
                    }
                    s.push_str(&format!("<li>{}</li>\n", inline(l)));
                }
                Block::Table(tb) => s.push_str(&table_html(tb, &[])),
                Block::Plot { title, file } => {
                    s.push_str("<figure>\n");
                    if let Some((_, svg)) = svgs.iter().find(|(f, _)| f == file) {
                        s.push_str(&inline_svg(svg));
                        s.push('\n');
                    }
                    s.push_str(&format!("<figcaption>{}</figcaption>\n", escape(title)));
                    s.push_str("</figure>\n");
                }
            }
        }
        if in_list {
            s.push_str("</ul>\n");
        }
        s.push_str("</section>\n");
    }
    s
}

/// The sections of [`render_sections`] as a fragment for a notebook cell (`_repr_html_` of the
/// Python package's results): one `<div class="verdict">`, no page, no style of its own (the
/// notebook's table style applies), plots inlined.
pub(crate) fn fragment(title: &str, sections: &[Section], svgs: &[(String, String)]) -> String {
    format!(
        "<div class=\"verdict\">\n{}</div>\n",
        sections_body(title, sections, svgs)
    )
}

/// A whole page around `body` (already HTML): the document's language, the policy, the title
/// and the style.
pub(crate) fn page(title: &str, lang: Lang, body: &str) -> String {
    page_with(title, lang, body, CSP, "")
}

/// [`page`] with another policy (`csp`, an attribute-safe constant) and more of the head
/// (`head`, already HTML: a refresh).
pub(crate) fn page_with(title: &str, lang: Lang, body: &str, csp: &str, head: &str) -> String {
    let mut s = String::with_capacity(body.len() + 2048);
    s.push_str("<!DOCTYPE html>\n");
    s.push_str(&format!("<html lang=\"{}\">\n<head>\n", lang.code()));
    s.push_str("<meta charset=\"utf-8\">\n");
    s.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
    ));
    s.push_str(head);
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str(&format!("<title>{}</title>\n", escape(title)));
    s.push_str(&format!("<style>{STYLE}</style>\n</head>\n<body>\n"));
    s.push_str(body);
    s.push_str("</body>\n</html>\n");
    s
}

/// A table as HTML; `links[i]`, when given, makes row `i`'s first cell a link to it.
pub(crate) fn table_html(tb: &crate::table::Table, links: &[Option<String>]) -> String {
    table_html_with(tb, &first_cells(links), &[], true)
}

/// [`table_html`] whose cells are shown exactly as they are (escaped, no `**bold**` or
/// `` `code` `` markup): for what users logged — a param value with backticks stays as typed.
pub(crate) fn table_plain(tb: &crate::table::Table, links: &[Option<String>]) -> String {
    table_html_with(tb, &first_cells(links), &[], false)
}

/// The cell links of [`table_html`]: row `i`'s first cell to `links[i]`.
fn first_cells(links: &[Option<String>]) -> impl Fn(usize, usize) -> Option<CellLink> + '_ {
    move |r, c| {
        (c == 0)
            .then(|| links.get(r).cloned().flatten())
            .flatten()
            .map(|href| CellLink { href, class: None })
    }
}

/// A cell's link: where it goes and, when given, the link's class (a badge).
pub(crate) struct CellLink {
    /// The target.
    pub(crate) href: String,
    /// The `<a>`'s class.
    pub(crate) class: Option<&'static str>,
}

/// A table as HTML with a link for any cell (`cell(row, column)`) and header `j` linked to
/// `header_links[j]` when given (a sort); `markup`: whether cells
/// and headers get the reports' `**bold**` / `` `code` `` spans ([`table_plain`] says why not).
pub(crate) fn table_html_with(
    tb: &crate::table::Table,
    cell: &dyn Fn(usize, usize) -> Option<CellLink>,
    header_links: &[Option<String>],
    markup: bool,
) -> String {
    let inline = |t: &str| if markup { inline(t) } else { escape(t) };
    let mut s = String::new();
    let class = |a: Align| {
        if a == Align::Right {
            " class=\"num\""
        } else {
            ""
        }
    };
    s.push_str("<table>\n<thead><tr>");
    for (j, (h, &a)) in tb.headers.iter().zip(&tb.align).enumerate() {
        match header_links.get(j).and_then(Option::as_ref) {
            Some(href) => s.push_str(&format!(
                "<th{}><a href=\"{}\">{}</a></th>",
                class(a),
                escape(href),
                inline(h)
            )),
            None => s.push_str(&format!("<th{}>{}</th>", class(a), inline(h))),
        }
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for (r, row) in tb.rows.iter().enumerate() {
        s.push_str("<tr>");
        for (i, text) in row.iter().enumerate() {
            let a = tb.align.get(i).copied().unwrap_or(Align::Left);
            let text = inline(text);
            match cell(r, i) {
                Some(l) => s.push_str(&format!(
                    "<td{}><a href=\"{}\"{}>{text}</a></td>",
                    class(a),
                    escape(&l.href),
                    l.class.map_or(String::new(), |c| format!(" class=\"{c}\""))
                )),
                None => s.push_str(&format!("<td{}>{text}</td>", class(a))),
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// A line escaped, then its `**bold**` and `` `code` `` spans marked up (an unpaired marker stays
/// as it is).
fn inline(l: &str) -> String {
    let escaped = escape(l);
    let bold = pairs(&escaped, "**", "<strong>", "</strong>");
    pairs(&bold, "`", "<code>", "</code>")
}

/// Replaces each pair of `marker`s around a span by `open` … `close`.
fn pairs(s: &str, marker: &str, open: &str, close: &str) -> String {
    let parts: Vec<&str> = s.split(marker).collect();
    // An odd number of markers: the last one has no partner and stays as text.
    let paired = if parts.len() % 2 == 1 {
        parts.len()
    } else {
        parts.len() - 1
    };
    let mut out = String::with_capacity(s.len() + 16);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            if i < paired {
                out.push_str(if i % 2 == 1 { open } else { close });
            } else {
                out.push_str(marker);
            }
        }
        out.push_str(p);
    }
    out
}

/// An SVG document as an element of the page: without an XML declaration and without the
/// namespace attribute (HTML's parser puts `<svg>` in the SVG namespace by itself), so the page
/// names no URL at all.
pub(crate) fn inline_svg(svg: &str) -> String {
    let body = svg
        .trim_start()
        .strip_prefix("<?xml")
        .and_then(|rest| rest.find("?>").map(|end| &rest[end + 2..]))
        .unwrap_or(svg)
        .trim();
    body.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Table;

    #[test]
    fn markup_is_applied_after_escaping() {
        assert_eq!(
            inline("**a <b>** and `c & d`"),
            "<strong>a &lt;b&gt;</strong> and <code>c &amp; d</code>"
        );
        // An unpaired marker stays as text.
        assert_eq!(inline("2 ** 3"), "2 ** 3");
        assert_eq!(inline("`a` `b"), "<code>a</code> `b");
    }

    #[test]
    fn a_document_is_self_contained_and_escapes_every_string() {
        let mut tb = Table::new(vec!["model".into(), "auc".into()]);
        tb.row(vec!["<img src=x onerror=alert(1)>".into(), "0.9".into()]);
        let sections = vec![Section {
            title: "T <&>".into(),
            blocks: vec![
                Block::Line("**<script>alert(1)</script>**".into()),
                Block::Table(tb),
                Block::Plot {
                    title: "ROC".into(),
                    file: "roc.svg".into(),
                },
            ],
        }];
        let svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><title>x</title></svg>";
        let html = render_sections(
            "Title",
            Lang::Ko,
            &sections,
            &[("roc.svg".into(), svg.into())],
        );
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ko\">"));
        assert!(html.contains("<td>&lt;img src=x onerror=alert(1)&gt;</td>"));
        assert!(html.contains("<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>"));
        assert!(!html.contains("<script") && !html.contains("<img"));
        assert!(html.contains("<h2>T &lt;&amp;&gt;</h2>"));
        assert!(html.contains("<figure>\n<svg viewBox=\"0 0 1 1\">"));
        assert!(html.contains("<td class=\"num\">0.9</td>"));
        verdict_testkit::assert_self_contained_html(&html);
    }
}
