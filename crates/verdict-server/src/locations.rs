//! Artifact locations given to `experiments/create`, resolved as MLflow's SQL store does.
//!
//! MLflow (`SqlAlchemyStore.create_experiment` → `mlflow.utils.uri.resolve_uri_if_local`) turns a
//! *relative local* location into an absolute one against the server's working directory when
//! the experiment is created; everything else is stored as given:
//!
//! | given | stored (server started in `/srv`) |
//! |---|---|
//! | `my_location`, `./a//b/` | `/srv/my_location`, `/srv/a/b` (pathlib's normalisation) |
//! | `file:rel` | `file:///srv/rel` |
//! | `/abs`, `file:///abs`, `s3://b/p`, `mlflow-artifacts:/x` | unchanged |
//!
//! Runs and logged models of the experiment then live under that location
//! (`<location>/<run_id>/artifacts`, `<location>/models/<model_id>/artifacts`); only the
//! server's default location is `mlflow-artifacts:/<experiment_id>`.

use std::path::Path;

/// The scheme of `uri` as Python's `urllib.parse.urlsplit` finds it (lowercased), if any.
fn scheme(uri: &str) -> Option<String> {
    let i = uri.find(':')?;
    let s = &uri[..i];
    let first = s.chars().next()?;
    if !first.is_ascii_alphabetic()
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    Some(s.to_ascii_lowercase())
}

/// `pathlib.Path(cwd).joinpath(rel).as_posix()`: empty and `.` components dropped, `..` kept.
fn join_posix(cwd: &Path, rel: &str) -> String {
    let mut out = cwd.to_string_lossy().trim_end_matches('/').to_owned();
    for part in rel.split('/').filter(|p| !p.is_empty() && *p != ".") {
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// MLflow's `resolve_uri_if_local(location)` with `cwd` as the working directory.
pub(crate) fn resolve_if_local(location: &str, cwd: &Path) -> String {
    match scheme(location).as_deref() {
        None => {
            let path = crate::validate::unquote(location);
            if path.starts_with('/') {
                location.to_owned()
            } else {
                join_posix(cwd, &path)
            }
        }
        Some("file") => {
            let rest = &location[location.find(':').map_or(0, |i| i + 1)..];
            // urlsplit: `//netloc` first, then `#fragment`, then `?query`.
            let (rest, fragment) = match rest.split_once('#') {
                Some((r, f)) => (r, Some(f)),
                None => (rest, None),
            };
            let (rest, query) = match rest.split_once('?') {
                Some((r, q)) => (r, Some(q)),
                None => (rest, None),
            };
            let path = match rest.strip_prefix("//") {
                Some(after) => after.find('/').map_or("", |i| &after[i..]),
                None => rest,
            };
            let path = crate::validate::unquote(path);
            if path.starts_with('/') {
                return location.to_owned();
            }
            let mut out = format!("file://{}", join_posix(cwd, &path));
            if let Some(q) = query.filter(|q| !q.is_empty()) {
                out.push('?');
                out.push_str(q);
            }
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                out.push('#');
                out.push_str(f);
            }
            out
        }
        Some(_) => location.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::resolve_if_local;
    use std::path::Path;

    #[test]
    fn as_mlflow_resolves() {
        // Expected values: what mlflow server 3.17.2, started in /tmp/c11c/ml, stored.
        let cwd = Path::new("/tmp/c11c/ml");
        let cases = [
            ("my_location", "/tmp/c11c/ml/my_location"),
            ("./rel/dir", "/tmp/c11c/ml/rel/dir"),
            ("file:rel2", "file:///tmp/c11c/ml/rel2"),
            ("file:///tmp/c11c/fileloc", "file:///tmp/c11c/fileloc"),
            ("/abs/path", "/abs/path"),
            ("s3://bucket/p", "s3://bucket/p"),
            ("mlflow-artifacts:/x", "mlflow-artifacts:/x"),
            ("a//b/./c/", "/tmp/c11c/ml/a/b/c"),
            ("../up", "/tmp/c11c/ml/../up"),
            ("sp%20ace", "/tmp/c11c/ml/sp ace"),
        ];
        for (given, want) in cases {
            assert_eq!(resolve_if_local(given, cwd), want, "{given}");
        }
    }
}
