//! Files in S3 or any S3-compatible object storage (MinIO, Ceph, a cloud
//! provider's), for deployments with several instances.
//!
//! The store is called from blocking database work, so it keeps its own small
//! runtime for the HTTP calls and waits on them there.

use std::future::Future;
use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};

use super::{sha256_hex, valid_key, FileStore};
use crate::error::AppError;

/// Where and how to reach the bucket.
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    pub region: String,
    /// For S3-compatible services: `http://minio:9000`; AWS when absent.
    pub endpoint: Option<String>,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Keys are stored under this prefix (`orderly/`).
    pub prefix: String,
}

/// Files in a bucket: `<prefix>ab/<key>`.
pub struct S3Files {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for S3Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3Files({})", self.store)
    }
}

impl S3Files {
    pub fn open(s: &S3Settings) -> Result<S3Files, String> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&s.bucket)
            .with_region(&s.region)
            .with_access_key_id(&s.access_key_id)
            .with_secret_access_key(&s.secret_access_key);
        if let Some(endpoint) = &s.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        let store = builder.build().map_err(|e| format!("S3: {e}"))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("orderly-s3")
            .enable_all()
            .build()
            .map_err(|e| format!("S3: cannot start its runtime: {e}"))?;
        Ok(S3Files {
            store: Arc::new(store),
            prefix: s.prefix.clone(),
            runtime,
        })
    }

    fn path(&self, key: &str) -> Path {
        Path::from(format!("{}{}/{key}", self.prefix, &key[..2]))
    }

    /// Runs a call on the store's runtime and waits for it on this (blocking) thread.
    fn wait<T: Send + 'static>(
        &self,
        call: impl Future<Output = T> + Send + 'static,
    ) -> Result<T, AppError> {
        let (tx, rx) = std::sync::mpsc::channel();
        self.runtime.spawn(async move {
            let _ = tx.send(call.await);
        });
        rx.recv().map_err(AppError::internal)
    }
}

impl FileStore for S3Files {
    fn put(&self, bytes: &[u8]) -> Result<String, AppError> {
        let key = sha256_hex(bytes);
        let (store, path) = (self.store.clone(), self.path(&key));
        let payload = PutPayload::from(bytes.to_vec());
        self.wait(async move {
            // Content-addressed: the same bytes are stored once and never rewritten.
            match store.head(&path).await {
                Ok(_) => Ok(()),
                Err(object_store::Error::NotFound { .. }) => {
                    store.put(&path, payload).await.map(|_| ())
                }
                Err(e) => Err(e),
            }
        })?
        .map_err(AppError::internal)?;
        Ok(key)
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, AppError> {
        if !valid_key(key) {
            return Ok(None);
        }
        let (store, path) = (self.store.clone(), self.path(key));
        let got = self.wait(async move {
            match store.get(&path).await {
                Ok(found) => found.bytes().await.map(|b| Some(b.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })?;
        got.map_err(AppError::internal)
    }

    fn delete(&self, key: &str) -> Result<(), AppError> {
        if !valid_key(key) {
            return Ok(());
        }
        let (store, path) = (self.store.clone(), self.path(key));
        let deleted = self.wait(async move {
            match store.delete(&path).await {
                Err(object_store::Error::NotFound { .. }) => Ok(()),
                other => other,
            }
        })?;
        deleted.map_err(AppError::internal)
    }
}
