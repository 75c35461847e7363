//! Sealing stored payloads: XChaCha20-Poly1305 with a key the operator keeps.
//!
//! Every payload the store writes (inputs, events, snapshots, group configs) is
//! sealed, with associated data naming its table, group and row (and, for an
//! event, its audience), so a ciphertext moved to another row fails to open.
//!
//! XChaCha20-Poly1305 is built as its draft (draft-irtf-cfrg-xchacha) defines
//! it: HChaCha20 of the key and the nonce's first 16 bytes gives a subkey for
//! ChaCha20-Poly1305, whose 96-bit nonce is four zero bytes and the nonce's
//! last 8. ChaCha20-Poly1305 is ring's: the store seals every flush before it
//! is acknowledged, and for payloads of a few hundred bytes ring's takes a
//! fifth of the time of a pure-Rust implementation, whose set-up dominates
//! short messages.

use chacha20::cipher::consts::U10;
use rand::RngCore;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305};
use std::io::Write;
use std::path::Path;

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// The data key. Its `Debug` never shows it.
#[derive(Clone)]
pub struct DataKey {
    key: [u8; KEY_LEN],
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
        let key = bytes.try_into().map_err(|_| KeyError::Malformed)?;
        Ok(DataKey { key })
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

    /// Nonce, then ciphertext and tag. The 192-bit nonce is random, drawn
    /// from the thread's generator (ChaCha, seeded by the system's): a
    /// system call for each of the store's seals cost more than the seal.
    pub fn seal(&self, plaintext: &[u8], associated: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        let (cipher, nonce) = self.for_nonce(&nonce);
        let tag = cipher
            .seal_in_place_separate_tag(nonce, Aad::from(associated), &mut out[NONCE_LEN..])
            // Sealing fails only for messages over 256 GiB.
            .expect("payloads are small");
        out.extend_from_slice(tag.as_ref());
        out
    }

    /// `None` when the key is wrong, the data was altered, or it belongs to another row.
    pub fn open(&self, sealed: &[u8], associated: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let (cipher, nonce) = self.for_nonce(nonce.try_into().expect("the nonce"));
        let mut plain = body.to_vec();
        let len = cipher
            .open_in_place(nonce, Aad::from(associated), &mut plain)
            .ok()?
            .len();
        plain.truncate(len);
        Some(plain)
    }

    /// XChaCha20's subkey and ChaCha20's nonce for one 192-bit nonce.
    fn for_nonce(&self, nonce: &[u8; NONCE_LEN]) -> (LessSafeKey, Nonce) {
        let (head, tail) = nonce.split_at(16);
        let subkey = chacha20::hchacha::<U10>(&self.key.into(), head.into());
        let cipher = UnboundKey::new(&CHACHA20_POLY1305, &subkey).expect("a 32-byte key");
        let mut short = [0u8; 12];
        short[4..].copy_from_slice(tail);
        (
            LessSafeKey::new(cipher),
            Nonce::assume_unique_for_key(short),
        )
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
    fn opens_what_was_sealed_before_and_seals_what_it_opens() {
        // RustCrypto's XChaCha20-Poly1305 sealed every payload stored
        // before; each side opens the other's.
        use chacha20poly1305::aead::{Aead, KeyInit, Payload};
        use chacha20poly1305::{XChaCha20Poly1305, XNonce};
        let bytes = [0xab; KEY_LEN];
        let other = XChaCha20Poly1305::new_from_slice(&bytes).unwrap();
        for len in [0, 1, 63, 64, 65, 300, 4096] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let ad = format!("rondo.v1|events|g|{len}");
            let sealed = key().seal(&plain, ad.as_bytes());
            let (nonce, body) = sealed.split_at(NONCE_LEN);
            let payload = |msg| Payload {
                msg,
                aad: ad.as_bytes(),
            };
            let opened = other
                .decrypt(XNonce::from_slice(nonce), payload(body))
                .unwrap();
            assert_eq!(opened, plain);
            let before = other
                .encrypt(XNonce::from_slice(nonce), payload(&plain))
                .unwrap();
            assert_eq!(before, body, "the same nonce gives the same bytes");
            let mut stored = nonce.to_vec();
            stored.extend_from_slice(&before);
            assert_eq!(key().open(&stored, ad.as_bytes()).unwrap(), plain);
        }
        assert!(
            key().open(&[0; NONCE_LEN + TAG_LEN - 1], b"").is_none(),
            "too short"
        );
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
