//! Sealing stored payloads: XChaCha20-Poly1305 with a key the operator keeps.
//!
//! Every payload the store writes (inputs, events, snapshots, group configs) is
//! sealed, with associated data naming its table, group and row (and, for an
//! event, its audience), so a ciphertext moved to another row fails to open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use std::io::Write;
use std::path::Path;

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

/// The data key. Its `Debug` never shows it.
#[derive(Clone)]
pub struct DataKey {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the data key must be 64 hex characters (32 bytes)")]
    Malformed,
    #[error("cannot read or create the key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

impl DataKey {
    pub fn from_hex(hex_key: &str) -> Result<DataKey, KeyError> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| KeyError::Malformed)?;
        if bytes.len() != KEY_LEN {
            return Err(KeyError::Malformed);
        }
        DataKey::from_bytes(&bytes)
    }

    /// A fresh random key, and its bytes (to be kept sealed by another key).
    pub fn random() -> (DataKey, [u8; KEY_LEN]) {
        let mut bytes = [0u8; KEY_LEN];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        (DataKey::from_bytes(&bytes).expect("32 bytes"), bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<DataKey, KeyError> {
        let cipher = XChaCha20Poly1305::new_from_slice(bytes).map_err(|_| KeyError::Malformed)?;
        Ok(DataKey { cipher })
    }

    /// Reads the key file, or creates it (mode 0600) with a fresh random key.
    pub fn from_file(path: &Path) -> Result<DataKey, KeyError> {
        let file_error = |source| KeyError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; KEY_LEN];
                rand::rngs::OsRng.fill_bytes(&mut key);
                let mut file = open_private(path).map_err(file_error)?;
                file.write_all(hex::encode(key).as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(file_error)?;
                Self::from_hex(&hex::encode(key))
            }
            Err(e) => Err(file_error(e)),
        }
    }

    /// Nonce, then ciphertext and tag.
    pub fn seal(&self, plaintext: &[u8], associated: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: associated,
                },
            )
            // Encryption fails only for messages over 256 GiB.
            .expect("payloads are small");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// `None` when the key is wrong, the data was altered, or it belongs to another row.
    pub fn open(&self, sealed: &[u8], associated: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: associated,
                },
            )
            .ok()
    }
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_hex(&"ab".repeat(32)).unwrap()
    }

    #[test]
    fn opens_what_it_sealed_with_the_same_associated_data_only() {
        let sealed = key().seal(b"secret", b"events|g1|7");
        assert_eq!(key().open(&sealed, b"events|g1|7").unwrap(), b"secret");
        assert!(key().open(&sealed, b"events|g1|8").is_none(), "another row");
        let other = DataKey::from_hex(&"cd".repeat(32)).unwrap();
        assert!(other.open(&sealed, b"events|g1|7").is_none(), "another key");
    }

    #[test]
    fn creates_a_private_key_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        let first = DataKey::from_file(&path).unwrap();
        let sealed = first.seal(b"x", b"a");
        let again = DataKey::from_file(&path).unwrap();
        assert_eq!(again.open(&sealed, b"a").unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
