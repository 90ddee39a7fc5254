//! Stored files (certificates now; photos and signatures with the engineer's
//! phone): content-addressed by SHA-256, written once, never changed.
//!
//! The store is a trait so that deployments with several instances can keep
//! files in shared object storage; the local directory under the data folder is
//! the default.

pub mod images;
pub mod s3;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::AppError;

/// Where files live.
pub trait FileStore: Send + Sync + std::fmt::Debug {
    /// Stores the bytes and returns their key: the SHA-256 in hex. Storing the
    /// same bytes again changes nothing.
    fn put(&self, bytes: &[u8]) -> Result<String, AppError>;
    /// The bytes of a key, if stored.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, AppError>;
    /// Removes a key's bytes, when a customer's personal data is erased; a key
    /// not stored is not an error.
    fn delete(&self, key: &str) -> Result<(), AppError>;
}

/// The SHA-256 of some bytes, in hex: a file's key and its recorded hash.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Which store the configuration asks for.
#[derive(Debug, Clone)]
pub enum FilesSettings {
    /// A folder under the data folder (one instance, or a shared volume).
    Local(PathBuf),
    S3(s3::S3Settings),
}

/// Opens the configured store.
pub fn open(settings: &FilesSettings) -> Result<Arc<dyn FileStore>, String> {
    Ok(match settings {
        FilesSettings::Local(root) => Arc::new(LocalFiles::new(root.clone())),
        FilesSettings::S3(s) => Arc::new(s3::S3Files::open(s)?),
    })
}

fn valid_key(key: &str) -> bool {
    key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Files in a local directory: `<root>/ab/cd/<key>`.
#[derive(Debug)]
pub struct LocalFiles {
    root: PathBuf,
}

impl LocalFiles {
    pub fn new(root: PathBuf) -> LocalFiles {
        LocalFiles { root }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(&key[..2]).join(&key[2..4]).join(key)
    }
}

impl FileStore for LocalFiles {
    fn put(&self, bytes: &[u8]) -> Result<String, AppError> {
        let key = sha256_hex(bytes);
        let path = self.path(&key);
        if path.exists() {
            return Ok(key);
        }
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(AppError::internal)?;
        // Written under a temporary name and renamed: a reader never sees half a file.
        let mut tmp = tempfile_in(dir)?;
        tmp.1.write_all(bytes).map_err(AppError::internal)?;
        tmp.1.sync_all().map_err(AppError::internal)?;
        std::fs::rename(&tmp.0, &path).map_err(AppError::internal)?;
        Ok(key)
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, AppError> {
        if !valid_key(key) {
            return Ok(None);
        }
        match std::fs::read(self.path(key)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::internal(e)),
        }
    }

    fn delete(&self, key: &str) -> Result<(), AppError> {
        if !valid_key(key) {
            return Ok(());
        }
        match std::fs::remove_file(self.path(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(AppError::internal(e)),
            _ => Ok(()),
        }
    }
}

fn tempfile_in(dir: &std::path::Path) -> Result<(PathBuf, std::fs::File), AppError> {
    let path = dir.join(format!(".tmp-{}", crate::core::ids::new_id()));
    let file = std::fs::File::create(&path).map_err(AppError::internal)?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_found_by_their_hash() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFiles::new(dir.path().to_path_buf());
        let key = store.put(b"certificate").unwrap();
        assert_eq!(key, sha256_hex(b"certificate"));
        assert_eq!(store.put(b"certificate").unwrap(), key);
        assert_eq!(store.get(&key).unwrap().unwrap(), b"certificate");
        assert_eq!(store.get(&sha256_hex(b"other")).unwrap(), None);
        assert_eq!(store.get("../../etc/passwd").unwrap(), None);
    }
}
