//! A minimal table model rendered as aligned text or as a Markdown table: the one text-table
//! renderer of the workspace (the reports here and the binary's ledger commands).

/// Column alignment.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Align {
    /// Padded on the right.
    Left,
    /// Padded on the left (numbers).
    Right,
}

/// Headers, one alignment per column, and rows of already formatted cells.
pub struct Table {
    pub(crate) headers: Vec<String>,
    pub(crate) align: Vec<Align>,
    pub(crate) rows: Vec<Vec<String>>,
}

impl Table {
    /// A table whose first column is left-aligned and the others right-aligned.
    pub fn new(headers: Vec<String>) -> Self {
        let mut align = vec![Align::Right; headers.len()];
        if let Some(a) = align.first_mut() {
            *a = Align::Left;
        }
        Self {
            headers,
            align,
            rows: Vec::new(),
        }
    }

    /// A table with these column alignments; columns beyond `align` are left-aligned.
    pub fn with_align(headers: Vec<String>, mut align: Vec<Align>) -> Self {
        align.resize(headers.len(), Align::Left);
        Self {
            headers,
            align,
            rows: Vec::new(),
        }
    }

    /// Appends a row; cells beyond the number of headers are not rendered.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as Markdown (`---:` under right-aligned columns).
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!("| {} |\n", self.headers.join(" | ")));
        let seps: Vec<&str> = self
            .align
            .iter()
            .map(|a| if *a == Align::Right { "---:" } else { "---" })
            .collect();
        s.push_str(&format!(
            "|{}|\n",
            seps.iter()
                .map(|x| format!(" {x} "))
                .collect::<Vec<_>>()
                .join("|")
        ));
        for r in &self.rows {
            s.push_str(&format!("| {} |\n", r.join(" | ")));
        }
        s
    }

    /// Display width: East Asian wide characters (Hangul) take two columns.
    pub fn width(s: &str) -> usize {
        s.chars()
            .map(|c| {
                let u = c as u32;
                if (0x1100..=0x115F).contains(&u)
                    || (0x2E80..=0xA4CF).contains(&u)
                    || (0xAC00..=0xD7A3).contains(&u)
                    || (0xF900..=0xFAFF).contains(&u)
                    || (0xFF00..=0xFF60).contains(&u)
                {
                    2
                } else {
                    1
                }
            })
            .sum()
    }

    /// The table as aligned text: columns padded to their display width ([`Table::width`]) and
    /// separated by two spaces, trailing blanks trimmed, one `\n` per line; the header line in
    /// bold (ANSI) when `bold_header`.
    pub fn text(&self, bold_header: bool) -> String {
        let cols = self.headers.len();
        let mut w = vec![0usize; cols];
        for r in std::iter::once(&self.headers).chain(&self.rows) {
            for (i, c) in r.iter().enumerate().take(cols) {
                w[i] = w[i].max(Self::width(c));
            }
        }
        let line = |r: &Vec<String>| -> String {
            let cells: Vec<String> = r
                .iter()
                .enumerate()
                .take(cols)
                .map(|(i, c)| {
                    let pad = " ".repeat(w[i] - Self::width(c));
                    if self.align[i] == Align::Right {
                        format!("{pad}{c}")
                    } else {
                        format!("{c}{pad}")
                    }
                })
                .collect();
            cells.join("  ").trim_end().to_string()
        };
        let mut s = String::new();
        let h = line(&self.headers);
        if bold_header {
            s.push_str(&format!("\x1b[1m{h}\x1b[0m\n"));
        } else {
            s.push_str(&h);
            s.push('\n');
        }
        for r in &self.rows {
            s.push_str(&line(r));
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_align_pads_alignments_and_trims_the_last_column() {
        let mut t = Table::with_align(
            vec!["k".into(), "v".into(), "note".into()],
            vec![Align::Left, Align::Right],
        );
        t.row(vec!["alpha".into(), "1".into(), String::new()]);
        t.row(vec!["b".into(), "10".into(), "x".into()]);
        assert_eq!(t.text(false), "k       v  note\nalpha   1\nb      10  x\n");
    }

    #[test]
    fn hangul_takes_two_columns() {
        let mut t = Table::with_align(
            vec!["이름".into(), "n".into()],
            vec![Align::Left, Align::Right],
        );
        t.row(vec!["ab".into(), "1".into()]);
        assert_eq!(t.text(false), "이름  n\nab    1\n");
    }
}
