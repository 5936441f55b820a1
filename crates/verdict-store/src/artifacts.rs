//! A local-directory artifact repository with every path confined to its root.

use std::path::{Path, PathBuf};

use crate::error::Result;

/// One entry of a directory listing; `path` is relative to the artifact root, with `/`.
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

impl ArtifactRepo {
    /// Opens (creating if needed) the root directory.
    pub fn open(root: &Path) -> Result<ArtifactRepo> {
        unimplemented!("{}", root.display())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The confined absolute path of `rel`.
    pub fn resolve(&self, rel: &str) -> Result<PathBuf> {
        unimplemented!("{rel}")
    }

    /// Writes a file (creating parent directories), atomically (temp file + rename).
    pub fn put(&self, rel: &str, data: &[u8]) -> Result<()> {
        unimplemented!("{rel}{}", data.len())
    }

    /// Streams a file in; returns the bytes written.
    pub fn put_reader(&self, rel: &str, reader: &mut dyn std::io::Read) -> Result<u64> {
        let _ = reader;
        unimplemented!("{rel}")
    }

    pub fn get(&self, rel: &str) -> Result<Vec<u8>> {
        unimplemented!("{rel}")
    }

    /// Opens a file for streaming.
    pub fn open_file(&self, rel: &str) -> Result<std::fs::File> {
        unimplemented!("{rel}")
    }

    /// The direct children of directory `rel`, sorted by path; empty when `rel` is a file or
    /// does not exist (what MLflow's list answers).
    pub fn list(&self, rel: &str) -> Result<Vec<FileInfo>> {
        unimplemented!("{rel}")
    }

    /// Deletes a file or a directory tree.
    pub fn delete(&self, rel: &str) -> Result<()> {
        unimplemented!("{rel}")
    }
}
