//! Where photos are kept: a folder on this machine by default, or an
//! S3-compatible bucket (`s3://bucket/prefix`, configured through the usual
//! `AWS_*` variables — keys, region, `AWS_ENDPOINT` for MinIO and the like —
//! read with the rest of the configuration).
//! Every instance of a scaled-out deployment must share it.

use std::sync::Arc;

use actix_web::web::Bytes;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt};

#[derive(Debug, Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
}

/// A store that did not answer as it should.
#[derive(Debug, thiserror::Error)]
#[error("object store: {0}")]
pub struct StoreError(#[from] object_store::Error);

impl StoreError {
    pub fn is_missing(&self) -> bool {
        matches!(self.0, object_store::Error::NotFound { .. })
    }
}

impl Files {
    /// Opens `location`: a folder (created if missing) or an `s3://` URL
    /// with `options` (`AWS_*` names and values).
    pub fn open(location: &str, options: &[(&str, String)]) -> anyhow::Result<Files> {
        let store: Arc<dyn ObjectStore> = if let Some(rest) = location.strip_prefix("s3://") {
            // HTTPS to the bucket: rustls with ring (an error only means
            // a provider was installed already)
            let _ = rustls::crypto::ring::default_provider().install_default();
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let mut builder = AmazonS3Builder::new().with_bucket_name(bucket);
            for (name, value) in options {
                let key: AmazonS3ConfigKey = name.to_ascii_lowercase().parse()?;
                builder = builder.with_config(key, value);
            }
            let s3 = builder.build()?;
            match prefix.trim_matches('/') {
                "" => Arc::new(s3),
                prefix => Arc::new(PrefixStore::new(s3, prefix)),
            }
        } else {
            std::fs::create_dir_all(location).map_err(|e| {
                anyhow::anyhow!("GRIDWORK_ATTACHMENT_STORE: cannot create {location}: {e}")
            })?;
            Arc::new(LocalFileSystem::new_with_prefix(location)?)
        };
        Ok(Files { store })
    }

    fn key(name: &str) -> Path {
        Path::from(format!("attachments/{name}"))
    }

    /// Stores `bytes` under `name` (whole or not at all).
    pub async fn put(&self, name: &str, bytes: Bytes) -> Result<(), StoreError> {
        self.store.put(&Files::key(name), bytes.into()).await?;
        Ok(())
    }

    pub async fn get(&self, name: &str) -> Result<Bytes, StoreError> {
        Ok(self.store.get(&Files::key(name)).await?.bytes().await?)
    }

    /// Removes `name`; one already gone counts as removed.
    pub async fn delete(&self, name: &str) -> Result<(), StoreError> {
        match self.store.delete(&Files::key(name)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_folder_keeps_what_it_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::open(&dir.path().join("photos").to_string_lossy(), &[]).unwrap();
        files.put("a", Bytes::from_static(b"jpeg")).await.unwrap();
        assert_eq!(files.get("a").await.unwrap(), Bytes::from_static(b"jpeg"));
        assert!(dir.path().join("photos/attachments/a").is_file());
        files.delete("a").await.unwrap();
        files.delete("a").await.unwrap();
        assert!(files.get("a").await.unwrap_err().is_missing());
    }

    #[test]
    fn a_bucket_is_named_by_url() {
        // building needs no network: the client connects on first use
        let options = [("AWS_REGION", "cn-north-1".to_owned())];
        assert!(Files::open("s3://photos/gridwork", &options).is_ok());
        // every setting the configuration reads is one the builder knows
        let all: Vec<_> = crate::config::S3_VARIABLES
            .iter()
            .map(|name| (*name, "true".to_owned()))
            .collect();
        assert!(Files::open("s3://photos", &all).is_ok());
        let unknown = [("AWS_NO_SUCH_SETTING", "x".to_owned())];
        assert!(Files::open("s3://photos", &unknown).is_err());
    }
}
