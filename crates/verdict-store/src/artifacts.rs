//! A local-directory artifact repository with every path confined to its root.
//!
//! Paths are relative, `/`-separated (what the mlflow-artifacts proxy sends). A path is refused
//! (`INVALID_PARAMETER_VALUE`) when it is absolute, has a `..` component, contains a NUL or a
//! backslash, or resolves — after following symlinks — outside the root. Symlinks inside the
//! root that stay inside are followed; one that points out makes every path through it refused.
//! Writes go to a temporary file in the target directory and are renamed into place, so a reader
//! never sees half a file and a crash leaves either the old or the new content.
//!
//! # Bad paths are the caller's error, never the server's
//! - A component longer than [`MAX_NAME_BYTES`] (255, the `NAME_MAX` of Linux, macOS and Windows
//!   file systems) or a path longer than [`MAX_PATH_BYTES`] (1,024 bytes, relative to the root) is
//!   refused (`INVALID_PARAMETER_VALUE`) before the file system is asked.
//! - A path that goes *through* a file (`x.txt/child.txt`) is refused on write, is missing
//!   (`RESOURCE_DOES_NOT_EXIST`) on read, lists as empty and deletes as nothing: what it names
//!   cannot exist.
//! - Error messages name paths relative to the root only; the root's absolute path never leaves
//!   the repository in an error about an artifact.
//!
//! # Temporary files
//! An upload writes `.<name>.tmp-<32 hex digits>` beside its target (`<name>` cut to at most 100
//! bytes) and renames it into place. A process killed mid-upload leaves one behind;
//! [`ArtifactRepo::sweep_temp_files`] removes them (the server runs it on start, see its docs).
//! Only names of exactly that pattern are touched; listings never show them.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// One entry of a directory listing; `path` is relative to the listed directory (the entry's
/// name), as the mlflow-artifacts list endpoint answers (docs/design/mlflow.md §1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInfo {
    /// The path.
    pub path: String,
    /// Whether it is a directory.
    pub is_dir: bool,
    /// `None` for directories.
    pub file_size: Option<u64>,
}

/// Artifacts under one root directory.
#[derive(Clone, Debug)]
pub struct ArtifactRepo {
    root: PathBuf,
}

/// The longest path component accepted, in bytes (`NAME_MAX` of common file systems).
pub const MAX_NAME_BYTES: usize = 255;

/// The longest artifact path accepted, in bytes, relative to the root (well inside Linux's
/// `PATH_MAX` of 4,096 with room for the root itself).
pub const MAX_PATH_BYTES: usize = 1024;

/// How much of a file name goes into its temporary file's name, so the temporary name stays
/// within [`MAX_NAME_BYTES`] (`"." + name + ".tmp-" + 32 hex`).
const TMP_NAME_BYTES: usize = 100;

/// Whether `name` is one of the repository's own temporary files:
/// `.<anything>.tmp-<32 lowercase hex digits>`.
pub fn is_temp_file_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some(pos) = rest.rfind(".tmp-") else {
        return false;
    };
    let hex = &rest[pos + 5..];
    hex.len() == 32
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What [`ArtifactRepo::sweep_temp_files`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Temporary files removed, relative to the root.
    pub removed: Vec<String>,
    /// Temporary files left because they were written to within the grace period (an upload
    /// may still be running), relative to the root.
    pub kept: Vec<String>,
}

/// `INVALID_PARAMETER_VALUE` naming the (shortened) relative path.
fn bad_path(rel: &str, why: &str) -> Error {
    Error::invalid(format!("Invalid artifact path {:?}: {why}", shorten(rel)))
}

/// The cleaned components of a relative path (`.` and empty parts dropped).
fn components(rel: &str) -> Result<Vec<&str>> {
    if rel.contains('\0') {
        return Err(bad_path(rel, "contains a NUL byte"));
    }
    if rel.contains('\\') {
        return Err(bad_path(rel, "contains a backslash"));
    }
    if rel.starts_with('/') {
        return Err(bad_path(rel, "absolute paths are not allowed"));
    }
    if rel.len() > MAX_PATH_BYTES {
        return Err(bad_path(
            rel,
            &format!(
                "is {} bytes long; the limit is {MAX_PATH_BYTES} bytes",
                rel.len()
            ),
        ));
    }
    let mut out = Vec::new();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(bad_path(rel, "'..' is not allowed")),
            p if p.len() > MAX_NAME_BYTES => {
                return Err(bad_path(
                    rel,
                    &format!(
                        "a component is {} bytes long; the limit is {MAX_NAME_BYTES} bytes",
                        p.len()
                    ),
                ));
            }
            p => {
                // A Windows drive or verbatim prefix would make `join` replace the root.
                if Path::new(p)
                    .components()
                    .any(|c| !matches!(c, Component::Normal(_)))
                {
                    return Err(bad_path(rel, "not a plain relative path"));
                }
                out.push(p);
            }
        }
    }
    Ok(out)
}

/// At most 80 characters of a (long) path for a message: the start, `…`, the end.
fn shorten(rel: &str) -> String {
    let n = rel.chars().count();
    if n <= 80 {
        return rel.to_owned();
    }
    let head: String = rel.chars().take(40).collect();
    let tail: String = rel.chars().skip(n - 30).collect();
    format!("{head}…{tail}")
}

/// `name` cut to at most `max` bytes on a character boundary.
fn truncate_bytes(name: &str, max: usize) -> &str {
    let mut end = name.len().min(max);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// A path component that the file system refuses as too long or as going through a file: the
/// caller's error, not the server's.
fn is_path_shape_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotADirectory | std::io::ErrorKind::InvalidFilename
    )
}

/// The first ancestor of `path` (not `path` itself) that exists and is not a directory.
pub(crate) fn file_ancestor_of(path: &Path) -> Option<PathBuf> {
    let mut found = None;
    for a in path.ancestors().skip(1) {
        if a.as_os_str().is_empty() {
            break;
        }
        match std::fs::metadata(a) {
            Ok(m) if !m.is_dir() => found = Some(a.to_path_buf()),
            Ok(_) => break,
            Err(_) => {}
        }
    }
    found
}

impl ArtifactRepo {
    /// Opens (creating if needed) the root directory. A root that is a file, or below a file, is
    /// `INVALID_PARAMETER_VALUE` saying what was expected.
    pub fn open(root: &Path) -> Result<ArtifactRepo> {
        const EXPECTED: &str = "expected a directory for artifacts (created if missing)";
        if root.exists() && !root.is_dir() {
            return Err(Error::invalid(format!(
                "{} is a file; {EXPECTED}",
                root.display()
            )));
        }
        if let Some(file) = file_ancestor_of(root) {
            return Err(Error::invalid(format!(
                "{}: {} is a file, not a directory; {EXPECTED}",
                root.display(),
                file.display()
            )));
        }
        std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
        Ok(ArtifactRepo { root })
    }

    /// The canonical root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// An I/O error about `path`, named relative to the root (never the root's absolute path).
    /// A too-long name or a path through a file is the caller's error (`INVALID_PARAMETER_VALUE`).
    fn io(&self, rel: &str, path: &Path, e: std::io::Error) -> Error {
        if is_path_shape_error(&e) {
            let why = if e.kind() == std::io::ErrorKind::NotADirectory {
                "goes through a file, not a directory"
            } else {
                "is too long for the file system"
            };
            return bad_path(rel, why);
        }
        let shown = path
            .strip_prefix(&self.root)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| rel.to_owned());
        Error::Artifact {
            path: shown,
            error: e,
        }
    }

    /// The first existing ancestor of `parts` (from the root down) that is not a directory, as a
    /// relative path.
    fn file_ancestor(&self, parts: &[String]) -> Option<String> {
        let mut p = self.root.clone();
        for (i, c) in parts.iter().enumerate() {
            p.push(c);
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Some(parts[..=i].join("/")),
                Err(_) => return None,
            }
        }
        None
    }

    fn lexical(&self, rel: &str) -> Result<(PathBuf, Vec<String>)> {
        let parts = components(rel)?;
        let mut p = self.root.clone();
        for c in &parts {
            p.push(c);
        }
        Ok((p, parts.iter().map(|s| (*s).to_owned()).collect()))
    }

    /// Checks that the deepest existing ancestor of `path` (following symlinks) is inside the
    /// root.
    fn check_confined(&self, rel: &str, path: &Path) -> Result<()> {
        let mut probe = path.to_path_buf();
        loop {
            match probe.canonicalize() {
                Ok(real) => {
                    if real.starts_with(&self.root) {
                        return Ok(());
                    }
                    return Err(bad_path(rel, "resolves outside the artifact root"));
                }
                // Missing, or below a file (`x.txt/child`): look at the parent.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                    ) =>
                {
                    // A dangling symlink is refused: it could be created later pointing out.
                    if probe.symlink_metadata().is_ok() {
                        return Err(bad_path(rel, "goes through a dangling symlink"));
                    }
                    if !probe.pop() {
                        return Err(bad_path(rel, "resolves outside the artifact root"));
                    }
                }
                Err(e) => return Err(self.io(rel, &probe, e)),
            }
        }
    }

    /// The confined absolute path of `rel` (which need not exist yet).
    pub fn resolve(&self, rel: &str) -> Result<PathBuf> {
        let (p, _) = self.lexical(rel)?;
        self.check_confined(rel, &p)?;
        Ok(p)
    }

    /// Writes a file (creating parent directories), atomically (temporary file + rename).
    pub fn put(&self, rel: &str, data: &[u8]) -> Result<()> {
        self.put_reader(rel, &mut &data[..]).map(|_| ())
    }

    /// Streams a file in (atomically, as [`ArtifactRepo::put`]); returns the bytes written.
    pub fn put_reader(&self, rel: &str, reader: &mut dyn Read) -> Result<u64> {
        let (path, parts) = self.lexical(rel)?;
        if parts.is_empty() {
            return Err(bad_path(rel, "names no file"));
        }
        self.check_confined(rel, &path)?;
        let dir = path
            .parent()
            .ok_or_else(|| bad_path(rel, "names no file"))?
            .to_path_buf();
        if let Some(file) = self.file_ancestor(&parts[..parts.len() - 1]) {
            return Err(bad_path(
                rel,
                &format!("{file:?} is a file, not a directory"),
            ));
        }
        std::fs::create_dir_all(&dir).map_err(|e| self.io(rel, &dir, e))?;
        // Re-check after creating directories: a component might have been a symlink.
        self.check_confined(rel, &dir)?;
        if path.is_dir() {
            return Err(bad_path(rel, "is a directory"));
        }
        let name = parts.last().map_or("artifact", String::as_str);
        let mut tmp_name = String::from(".");
        tmp_name.push_str(truncate_bytes(name, TMP_NAME_BYTES));
        tmp_name.push_str(&format!(".tmp-{}", crate::store::uuid4_hex()?));
        let tmp = dir.join(tmp_name);
        let written = (|| -> std::io::Result<u64> {
            let mut f = std::fs::File::create(&tmp)?;
            let n = std::io::copy(reader, &mut f)?;
            f.flush()?;
            f.sync_all()?;
            Ok(n)
        })();
        let n = match written {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(self.io(rel, &path, e));
            }
        };
        if let Err(e) = std::fs::rename(&tmp, &path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(self.io(rel, &path, e));
        }
        Ok(n)
    }

    /// Reads a whole file.
    pub fn get(&self, rel: &str) -> Result<Vec<u8>> {
        let mut f = self.open_file(rel)?;
        let mut out = Vec::new();
        f.read_to_end(&mut out)
            .map_err(|e| self.io(rel, &self.root.join(rel), e))?;
        Ok(out)
    }

    /// Opens a file for streaming; `RESOURCE_DOES_NOT_EXIST` when it is missing or a directory.
    pub fn open_file(&self, rel: &str) -> Result<std::fs::File> {
        let path = self.resolve(rel)?;
        if !path.is_file() {
            return Err(Error::not_found(format!("Artifact {rel:?} not found")));
        }
        std::fs::File::open(&path).map_err(|e| self.io(rel, &path, e))
    }

    /// The direct children of directory `rel` (`""` is the root), sorted by name, each with its
    /// path relative to `rel`; empty when `rel` is a file or does not exist (what MLflow's list
    /// answers). Symlinks that lead outside the root are left out.
    pub fn list(&self, rel: &str) -> Result<Vec<FileInfo>> {
        let (path, _) = self.lexical(rel)?;
        self.check_confined(rel, &path)?;
        if !path.is_dir() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let entries = std::fs::read_dir(&path).map_err(|e| self.io(rel, &path, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| self.io(rel, &path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_temp_file_name(&name) {
                continue;
            }
            let full = entry.path();
            let Ok(real) = full.canonicalize() else {
                continue;
            };
            if !real.starts_with(&self.root) {
                continue;
            }
            let meta = std::fs::metadata(&real).map_err(|e| self.io(rel, &full, e))?;
            out.push(FileInfo {
                path: name,
                is_dir: meta.is_dir(),
                file_size: if meta.is_dir() {
                    None
                } else {
                    Some(meta.len())
                },
            });
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// Deletes a file or a directory tree (a symlink is removed itself, never its target).
    /// Deleting something that does not exist is not an error; the root cannot be deleted.
    pub fn delete(&self, rel: &str) -> Result<()> {
        let (path, parts) = self.lexical(rel)?;
        if parts.is_empty() {
            return Err(bad_path(rel, "the artifact root cannot be deleted"));
        }
        let parent = path
            .parent()
            .ok_or_else(|| bad_path(rel, "names nothing"))?;
        self.check_confined(rel, parent)?;
        let Ok(meta) = path.symlink_metadata() else {
            return Ok(());
        };
        let r = if meta.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        r.map_err(|e| self.io(rel, &path, e))
    }

    /// Removes the temporary files of uploads that never finished (a process killed
    /// mid-upload): every file named `.<name>.tmp-<32 hex digits>` anywhere under the root that
    /// was last written more than `grace` ago. Younger ones are kept (an upload of another
    /// process sharing the root may still be writing it) and reported in [`Sweep::kept`].
    /// Nothing else is touched: no other name, no directory, no symlink, nothing reached through a
    /// symlink. Unreadable directories are skipped.
    pub fn sweep_temp_files(&self, grace: std::time::Duration) -> Sweep {
        let mut sweep = Sweep::default();
        let now = std::time::SystemTime::now();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(ft) = entry.file_type() else {
                    continue;
                };
                let path = entry.path();
                if ft.is_dir() {
                    stack.push(path);
                    continue;
                }
                if !ft.is_file() || !is_temp_file_name(&entry.file_name().to_string_lossy()) {
                    continue;
                }
                let shown = path
                    .strip_prefix(&self.root)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let idle = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| now.duration_since(t).ok())
                    .unwrap_or_default();
                if idle < grace {
                    sweep.kept.push(shown);
                } else if std::fs::remove_file(&path).is_ok() {
                    sweep.removed.push(shown);
                }
            }
        }
        sweep.removed.sort();
        sweep.kept.sort();
        sweep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_file_pattern() {
        assert!(is_temp_file_name(
            ".model.pkl.tmp-0123456789abcdef0123456789abcdef"
        ));
        assert!(is_temp_file_name(
            ".a.tmp-b.tmp-0123456789abcdef0123456789abcdef"
        ));
        for user in [
            "model.pkl.tmp-0123456789abcdef0123456789abcdef", // no leading dot
            ".model.pkl.tmp-0123456789abcdef0123456789abcde", // 31 digits
            ".model.pkl.tmp-0123456789ABCDEF0123456789ABCDEF", // upper case
            ".model.pkl.tmp-0123456789abcdef0123456789abcdef0",
            ".model.tmp-notours",
            ".hidden",
            ".tmp-",
        ] {
            assert!(!is_temp_file_name(user), "{user}");
        }
    }

    #[test]
    fn io_errors_name_paths_relative_to_the_root() {
        let dir = tempfile::tempdir().expect("dir");
        let repo = ArtifactRepo::open(dir.path()).expect("open");
        let root = repo.root().display().to_string();
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = repo.io("1/a.txt", &repo.root().join("1/a.txt"), denied);
        assert_eq!(e.kind(), crate::ErrorKind::Internal);
        let msg = e.to_string();
        assert!(
            msg.starts_with("artifact \"1/a.txt\" (under the artifact root): "),
            "{msg}"
        );
        assert!(!msg.contains(&root), "{msg}");
        // ENOTDIR and ENAMETOOLONG from the OS are the caller's error.
        for kind in [
            std::io::ErrorKind::NotADirectory,
            std::io::ErrorKind::InvalidFilename,
        ] {
            let e = repo.io("x/y", &repo.root().join("x/y"), kind.into());
            assert_eq!(
                e.kind(),
                crate::ErrorKind::InvalidParameterValue,
                "{kind:?}"
            );
            assert!(!e.to_string().contains(&root));
        }
    }

    #[test]
    fn long_names_fit_the_temp_name() {
        let name = "é".repeat(127); // 254 bytes
        let t = truncate_bytes(&name, TMP_NAME_BYTES);
        assert_eq!(t.len(), 100);
        assert!(1 + t.len() + 5 + 32 <= MAX_NAME_BYTES);
    }
}
