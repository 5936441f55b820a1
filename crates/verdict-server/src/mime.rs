//! MLflow's rule for the `Content-Type` and `Content-Disposition` of an artifact download
//! (`mlflow/utils/mime_type_utils.py::_guess_mime_type` and
//! `mlflow/server/handlers.py::_response_with_file_attachment_headers` /
//! `_content_disposition_attachment`), used by every download the server answers: the
//! mlflow-artifacts proxy GET, `/get-artifact`, and the logged-model `artifacts/files`.
//!
//! The type depends on the file name only, never on the request (an `Accept: text/html` changes
//! nothing) and never on the content:
//! 1. the extension (after the last dot, a leading dot does not count; a name without one is its
//!    own extension) is one of MLflow's text extensions (`txt`, `log`, `json`, `yaml`, `py`, `csv`,
//!    `md`, … and the names `MLmodel` and `mlproject`, compared case-sensitively, so `MLproject`
//!    is not one): `text/plain`;
//! 2. else Python's `mimetypes.guess_type` with Python's built-in table (`TYPES`, from
//!    CPython 3.11's `mimetypes._types_map_default`; a system's `/etc/mime.types`, which Python
//!    would also read, is not consulted, so the answer does not depend on the host): suffix
//!    aliases first (`.tgz` → `.tar.gz`), then an encoding suffix (`.gz`, `.Z`, `.bz2`, `.xz`,
//!    `.br`, case-sensitive) is dropped and the extension before it decides (`x.tar.gz` →
//!    `application/x-tar`, `x.gz` → nothing), then the lower-cased extension is looked up;
//! 3. nothing found: `application/octet-stream`.
//!
//! The answer carries exactly that type (no `; charset=`), `X-Content-Type-Options: nosniff`
//! and `Content-Disposition: attachment; filename=…` with the last path component, quoted as
//! werkzeug's `quote_header_value` does (bare when every character is an HTTP token character,
//! else in double quotes with `\` and `"` escaped); a non-ASCII name gets an ASCII fallback
//! (NFKD, non-ASCII dropped, `download` if nothing is left) and `filename*=UTF-8''…`
//! (RFC 5987). Python's `data:` URL branch of `guess_type` (a name starting `data:` names its
//! own type) is deliberately not followed: such a name is looked up like any other.

use unicode_normalization::UnicodeNormalization as _;

/// MLflow's text extensions (`mime_type_utils.get_text_extensions`, with `MLMODEL_FILE_NAME` and
/// `MLPROJECT_FILE_NAME`).
const TEXT_EXTENSIONS: &[&str] = &[
    "txt",
    "log",
    "err",
    "cfg",
    "conf",
    "cnf",
    "cf",
    "ini",
    "properties",
    "prop",
    "hocon",
    "toml",
    "yaml",
    "yml",
    "xml",
    "json",
    "js",
    "py",
    "py3",
    "csv",
    "tsv",
    "md",
    "rst",
    "ipynb",
    "MLmodel",
    "mlproject",
];

/// Python's `mimetypes.suffix_map` default.
const SUFFIXES: &[(&str, &str)] = &[
    (".svgz", ".svg.gz"),
    (".tgz", ".tar.gz"),
    (".taz", ".tar.gz"),
    (".tz", ".tar.gz"),
    (".tbz2", ".tar.bz2"),
    (".txz", ".tar.xz"),
];

/// Python's `mimetypes.encodings_map` default (case-sensitive).
const ENCODINGS: &[&str] = &[".gz", ".Z", ".bz2", ".xz", ".br"];

/// CPython 3.11's `mimetypes._types_map_default` (the strict table), sorted by extension
/// (without the dot) for a binary search.
pub(crate) const TYPES: &[(&str, &str)] = &[
    ("3g2", "audio/3gpp2"),
    ("3gp", "audio/3gpp"),
    ("3gpp", "audio/3gpp"),
    ("3gpp2", "audio/3gpp2"),
    ("a", "application/octet-stream"),
    ("aac", "audio/aac"),
    ("adts", "audio/aac"),
    ("ai", "application/postscript"),
    ("aif", "audio/x-aiff"),
    ("aifc", "audio/x-aiff"),
    ("aiff", "audio/x-aiff"),
    ("ass", "audio/aac"),
    ("au", "audio/basic"),
    ("avi", "video/x-msvideo"),
    ("avif", "image/avif"),
    ("bat", "text/plain"),
    ("bcpio", "application/x-bcpio"),
    ("bin", "application/octet-stream"),
    ("bmp", "image/bmp"),
    ("c", "text/plain"),
    ("cdf", "application/x-netcdf"),
    ("cpio", "application/x-cpio"),
    ("csh", "application/x-csh"),
    ("css", "text/css"),
    ("csv", "text/csv"),
    ("dll", "application/octet-stream"),
    ("doc", "application/msword"),
    ("dot", "application/msword"),
    ("dvi", "application/x-dvi"),
    ("eml", "message/rfc822"),
    ("eps", "application/postscript"),
    ("etx", "text/x-setext"),
    ("exe", "application/octet-stream"),
    ("gif", "image/gif"),
    ("gtar", "application/x-gtar"),
    ("h", "text/plain"),
    ("h5", "application/x-hdf5"),
    ("hdf", "application/x-hdf"),
    ("heic", "image/heic"),
    ("heif", "image/heif"),
    ("htm", "text/html"),
    ("html", "text/html"),
    ("ico", "image/vnd.microsoft.icon"),
    ("ief", "image/ief"),
    ("jpe", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("jpg", "image/jpeg"),
    ("js", "application/javascript"),
    ("json", "application/json"),
    ("ksh", "text/plain"),
    ("latex", "application/x-latex"),
    ("loas", "audio/aac"),
    ("m1v", "video/mpeg"),
    ("m3u", "application/vnd.apple.mpegurl"),
    ("m3u8", "application/vnd.apple.mpegurl"),
    ("man", "application/x-troff-man"),
    ("me", "application/x-troff-me"),
    ("mht", "message/rfc822"),
    ("mhtml", "message/rfc822"),
    ("mif", "application/x-mif"),
    ("mjs", "application/javascript"),
    ("mov", "video/quicktime"),
    ("movie", "video/x-sgi-movie"),
    ("mp2", "audio/mpeg"),
    ("mp3", "audio/mpeg"),
    ("mp4", "video/mp4"),
    ("mpa", "video/mpeg"),
    ("mpe", "video/mpeg"),
    ("mpeg", "video/mpeg"),
    ("mpg", "video/mpeg"),
    ("ms", "application/x-troff-ms"),
    ("n3", "text/n3"),
    ("nc", "application/x-netcdf"),
    ("nq", "application/n-quads"),
    ("nt", "application/n-triples"),
    ("nws", "message/rfc822"),
    ("o", "application/octet-stream"),
    ("obj", "application/octet-stream"),
    ("oda", "application/oda"),
    ("opus", "audio/opus"),
    ("p12", "application/x-pkcs12"),
    ("p7c", "application/pkcs7-mime"),
    ("pbm", "image/x-portable-bitmap"),
    ("pdf", "application/pdf"),
    ("pfx", "application/x-pkcs12"),
    ("pgm", "image/x-portable-graymap"),
    ("pl", "text/plain"),
    ("png", "image/png"),
    ("pnm", "image/x-portable-anymap"),
    ("pot", "application/vnd.ms-powerpoint"),
    ("ppa", "application/vnd.ms-powerpoint"),
    ("ppm", "image/x-portable-pixmap"),
    ("pps", "application/vnd.ms-powerpoint"),
    ("ppt", "application/vnd.ms-powerpoint"),
    ("ps", "application/postscript"),
    ("pwz", "application/vnd.ms-powerpoint"),
    ("py", "text/x-python"),
    ("pyc", "application/x-python-code"),
    ("pyo", "application/x-python-code"),
    ("qt", "video/quicktime"),
    ("ra", "audio/x-pn-realaudio"),
    ("ram", "application/x-pn-realaudio"),
    ("ras", "image/x-cmu-raster"),
    ("rdf", "application/xml"),
    ("rgb", "image/x-rgb"),
    ("roff", "application/x-troff"),
    ("rtx", "text/richtext"),
    ("sgm", "text/x-sgml"),
    ("sgml", "text/x-sgml"),
    ("sh", "application/x-sh"),
    ("shar", "application/x-shar"),
    ("snd", "audio/basic"),
    ("so", "application/octet-stream"),
    ("src", "application/x-wais-source"),
    ("srt", "text/plain"),
    ("sv4cpio", "application/x-sv4cpio"),
    ("sv4crc", "application/x-sv4crc"),
    ("svg", "image/svg+xml"),
    ("swf", "application/x-shockwave-flash"),
    ("t", "application/x-troff"),
    ("tar", "application/x-tar"),
    ("tcl", "application/x-tcl"),
    ("tex", "application/x-tex"),
    ("texi", "application/x-texinfo"),
    ("texinfo", "application/x-texinfo"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("tr", "application/x-troff"),
    ("trig", "application/trig"),
    ("tsv", "text/tab-separated-values"),
    ("txt", "text/plain"),
    ("ustar", "application/x-ustar"),
    ("vcf", "text/x-vcard"),
    ("vtt", "text/vtt"),
    ("wasm", "application/wasm"),
    ("wav", "audio/x-wav"),
    ("webm", "video/webm"),
    ("webmanifest", "application/manifest+json"),
    ("wiz", "application/msword"),
    ("wsdl", "application/xml"),
    ("xbm", "image/x-xbitmap"),
    ("xlb", "application/vnd.ms-excel"),
    ("xls", "application/vnd.ms-excel"),
    ("xml", "text/xml"),
    ("xpdl", "application/xml"),
    ("xpm", "image/x-xpixmap"),
    ("xsl", "application/xml"),
    ("xwd", "image/x-xwindowdump"),
    ("zip", "application/zip"),
];

/// `os.path.splitext` on a POSIX path: (root, extension with its dot); leading dots of the last
/// component do not start an extension.
fn splitext(p: &str) -> (&str, &str) {
    let sep = p.rfind('/').map_or(0, |i| i + 1);
    if let Some(dot) = p.rfind('.')
        && dot > sep
        && p[sep..dot].bytes().any(|b| b != b'.')
    {
        return (&p[..dot], &p[dot..]);
    }
    (p, "")
}

/// The last component of a path (`pathlib.PurePosixPath(p).name`: trailing slashes ignored).
pub(crate) fn file_name(path: &str) -> &str {
    let p = path.trim_end_matches('/');
    p.rsplit('/').next().unwrap_or(p)
}

/// `mimetypes.guess_type(name)[0]` with the built-in table (see the module docs).
fn python_guess_type(name: &str) -> Option<&'static str> {
    // urllib.parse._splittype: a leading `scheme:` (no '/' or ':' in it) is not part of the path.
    let url = match name.find(':') {
        Some(i) if i > 0 && !name[..i].contains('/') => &name[i + 1..],
        _ => name,
    };
    let mut cur = url.to_owned();
    let (mut base, mut ext) = {
        let (b, e) = splitext(&cur);
        (b.to_owned(), e.to_owned())
    };
    while let Some((_, to)) = SUFFIXES
        .iter()
        .find(|(from, _)| *from == ext.to_ascii_lowercase())
    {
        cur = format!("{base}{to}");
        let (b, e) = splitext(&cur);
        (base, ext) = (b.to_owned(), e.to_owned());
    }
    if ENCODINGS.contains(&ext.as_str()) {
        let (_, e) = splitext(&base);
        ext = e.to_owned();
    }
    let key = ext.strip_prefix('.')?.to_lowercase();
    TYPES
        .binary_search_by(|(e, _)| (*e).cmp(key.as_str()))
        .ok()
        .map(|i| TYPES[i].1)
}

/// MLflow's `_guess_mime_type` of an artifact path (see the module docs).
pub fn guess_mime_type(path: &str) -> &'static str {
    let name = file_name(path);
    let (_, ext) = splitext(name);
    let ext = ext.replace('.', "");
    let ext = if ext.is_empty() { name } else { ext.as_str() };
    if TEXT_EXTENSIONS.contains(&ext) {
        return "text/plain";
    }
    python_guess_type(name).unwrap_or("application/octet-stream")
}

/// werkzeug's token characters (`werkzeug.http._token_chars`).
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// werkzeug's `quote_header_value(value, allow_token=True)`.
fn quote_header_value(v: &str) -> String {
    if v.is_empty() {
        return "\"\"".to_owned();
    }
    if v.chars().all(is_token_char) {
        return v.to_owned();
    }
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `urllib.parse.quote(s, safe="!#$&+-.^_`|~")` (RFC 5987 attr-chars stay, the rest is %XX).
fn quote_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~!#$&+^`|".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// MLflow's `Content-Disposition` value for a download of `path` (its last component).
pub fn content_disposition(path: &str) -> String {
    let name = file_name(path);
    if name.is_ascii() {
        return format!("attachment; filename={}", quote_header_value(name));
    }
    let fallback: String = name.nfkd().filter(char::is_ascii).collect();
    let fallback = if fallback.is_empty() {
        "download".to_owned()
    } else {
        fallback
    };
    format!(
        "attachment; filename={}; filename*=UTF-8''{}",
        quote_header_value(&fallback),
        quote_attr(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(TYPES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    /// Each expectation is what `mlflow server` 3.17.2 answered for a file of that name.
    #[test]
    fn types_as_mlflow_answers_them() {
        for (name, want) in [
            ("a.txt", "text/plain"),
            ("b.pkl", "application/octet-stream"),
            ("c.png", "image/png"),
            ("d.pdf", "application/pdf"),
            ("MLmodel", "text/plain"),
            ("mlproject", "text/plain"),
            ("MLproject", "application/octet-stream"),
            ("e.html", "text/html"),
            ("f.tar.gz", "application/x-tar"),
            ("g.gz", "application/octet-stream"),
            ("h.JPG", "image/jpeg"),
            ("i.svg", "image/svg+xml"),
            ("j.js", "text/plain"),
            ("k.md", "text/plain"),
            ("l.yaml", "text/plain"),
            (".bashrc", "application/octet-stream"),
            ("n.parquet", "application/octet-stream"),
            ("o.tgz", "application/x-tar"),
            ("dir/sub/model.pkl", "application/octet-stream"),
            ("dir/MLmodel", "text/plain"),
        ] {
            assert_eq!(guess_mime_type(name), want, "{name}");
        }
    }

    #[test]
    fn dispositions_as_mlflow_answers_them() {
        for (name, want) in [
            ("p/a.txt", "attachment; filename=a.txt"),
            ("x y.txt", "attachment; filename=\"x y.txt\""),
            ("q\"uote.bin", "attachment; filename=\"q\\\"uote.bin\""),
            (
                "é.txt",
                "attachment; filename=e.txt; filename*=UTF-8''%C3%A9.txt",
            ),
            (
                "日本語",
                "attachment; filename=download; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E",
            ),
            (
                "dog+step+20+timestamp+100.png",
                "attachment; filename=dog+step+20+timestamp+100.png",
            ),
        ] {
            assert_eq!(content_disposition(name), want, "{name}");
        }
    }
}
