//! A local-directory artifact repository with every path confined to its root.
//!
//! Paths are relative, `/`-separated (what the mlflow-artifacts proxy sends). A path is refused
//! (`INVALID_PARAMETER_VALUE`) when it is absolute, has a `..` component, contains a NUL or a
//! backslash, or resolves — after following symlinks — outside the root. Symlinks inside the
//! root that stay inside are followed; one that points out makes every path through it refused.
//! Writes go to a temporary file in the target directory and are renamed into place, so a reader
//! never sees half a file and a crash leaves either the old or the new content.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// One entry of a directory listing; `path` is relative to the listed directory (the entry's
/// name), as the mlflow-artifacts list endpoint answers (mlflow.md §1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInfo {
    pub path: String,
    pub is_dir: bool,
    /// `None` for directories.
    pub file_size: Option<u64>,
}

/// Artifacts under one root directory.
#[derive(Clone, Debug)]
pub struct ArtifactRepo {
    root: PathBuf,
}

fn bad_path(rel: &str, why: &str) -> Error {
    Error::invalid(format!("Invalid artifact path {rel:?}: {why}"))
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
    let mut out = Vec::new();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(bad_path(rel, "'..' is not allowed")),
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

impl ArtifactRepo {
    /// Opens (creating if needed) the root directory.
    pub fn open(root: &Path) -> Result<ArtifactRepo> {
        std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
        Ok(ArtifactRepo { root })
    }

    /// The canonical root directory.
    pub fn root(&self) -> &Path {
        &self.root
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
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    // A dangling symlink is refused: it could be created later pointing out.
                    if probe.symlink_metadata().is_ok() {
                        return Err(bad_path(rel, "goes through a dangling symlink"));
                    }
                    if !probe.pop() {
                        return Err(bad_path(rel, "resolves outside the artifact root"));
                    }
                }
                Err(e) => return Err(Error::io(&probe, e)),
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
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        // Re-check after creating directories: a component might have been a symlink.
        self.check_confined(rel, &dir)?;
        if path.is_dir() {
            return Err(bad_path(rel, "is a directory"));
        }
        let name = parts.last().map_or("artifact", String::as_str);
        let mut tmp_name = String::from(".");
        tmp_name.push_str(name);
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
                return Err(Error::io(&path, e));
            }
        };
        if let Err(e) = std::fs::rename(&tmp, &path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(&path, e));
        }
        Ok(n)
    }

    /// Reads a whole file.
    pub fn get(&self, rel: &str) -> Result<Vec<u8>> {
        let mut f = self.open_file(rel)?;
        let mut out = Vec::new();
        f.read_to_end(&mut out)
            .map_err(|e| Error::io(self.root.join(rel), e))?;
        Ok(out)
    }

    /// Opens a file for streaming; `RESOURCE_DOES_NOT_EXIST` when it is missing or a directory.
    pub fn open_file(&self, rel: &str) -> Result<std::fs::File> {
        let path = self.resolve(rel)?;
        if !path.is_file() {
            return Err(Error::not_found(format!("Artifact {rel:?} not found")));
        }
        std::fs::File::open(&path).map_err(|e| Error::io(&path, e))
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
        let entries = std::fs::read_dir(&path).map_err(|e| Error::io(&path, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.contains(".tmp-") {
                continue;
            }
            let full = entry.path();
            let Ok(real) = full.canonicalize() else {
                continue;
            };
            if !real.starts_with(&self.root) {
                continue;
            }
            let meta = std::fs::metadata(&real).map_err(|e| Error::io(&full, e))?;
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
        r.map_err(|e| Error::io(&path, e))
    }
}
