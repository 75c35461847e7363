//! TLS to PostgreSQL, as libpq reads `sslmode` and `sslrootcert` from the
//! URL: managed PostgreSQL requires TLS, and an operator should not have to
//! learn a second spelling. tokio-postgres knows only `disable`, `prefer`
//! and `require` and no `sslrootcert`, so both are taken out of the URL here
//! and turned into a rustls configuration (ring, no OpenSSL to link); the
//! rest of the URL is tokio-postgres's to parse.
//!
//! | `sslmode` | encrypted | certificate checked |
//! |---|---|---|
//! | `disable` | never | — |
//! | `prefer` (the default) | if the server offers it | no |
//! | `require` | always | no; against `sslrootcert` if one is given, as libpq does |
//! | `verify-ca` | always | signed by `sslrootcert` |
//! | `verify-full` | always | signed by `sslrootcert` and naming the host |

use crate::store::StoreError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::PathBuf;
use std::sync::Arc;
use tokio_postgres::config::SslMode;
use tokio_postgres::Client;
use tokio_postgres_rustls::MakeRustlsConnect;

/// Where PostgreSQL is and how to reach it: every connection (the writer's,
/// the lease's and the pool's) is made from this one value.
#[derive(Clone)]
pub(super) struct Target {
    pub(super) config: tokio_postgres::Config,
    pub(super) tls: MakeRustlsConnect,
}

/// libpq's `sslmode` values that Rondo honours (`allow` is refused: it tries
/// a plain connection first, which hostssl-only servers never want).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(value: &str) -> Result<Mode, StoreError> {
        Ok(match value {
            "disable" => Mode::Disable,
            "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            _ => {
                return Err(invalid(
                    "sslmode: expected disable, prefer, require, verify-ca or verify-full",
                ))
            }
        })
    }
}

fn invalid(why: &str) -> StoreError {
    StoreError::Postgres(why.to_owned())
}

impl Target {
    /// Reads a `postgres://…` URL or a `key=value` string, TLS settings and
    /// all; an error names `flag`, the option the URL was given with.
    pub(super) fn parse(url: &str, flag: &str) -> Result<Target, StoreError> {
        Self::read(url).map_err(|error| match error {
            StoreError::Postgres(why) => StoreError::Postgres(format!("{flag}: {why}")),
            other => other,
        })
    }

    fn read(url: &str) -> Result<Target, StoreError> {
        let (rest, mode, root_cert) = take_tls_settings(url)?;
        let mut config: tokio_postgres::Config = rest
            .parse()
            // tokio-postgres's message names the key, never a password.
            .map_err(|e: tokio_postgres::Error| invalid(&e.to_string()))?;
        let mode = mode.unwrap_or(Mode::Prefer);
        config.ssl_mode(match mode {
            Mode::Disable => SslMode::Disable,
            Mode::Prefer => SslMode::Prefer,
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
        });
        let roots =
            match &root_cert {
                Some(path) => Some(read_roots(path)?),
                None if matches!(mode, Mode::VerifyCa | Mode::VerifyFull) => return Err(invalid(
                    "sslmode=verify-ca and verify-full need sslrootcert, the CA certificate file",
                )),
                None => None,
            };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier: Arc<dyn ServerCertVerifier> = match roots {
            None => Arc::new(Unchecked(provider.clone())),
            Some(roots) => {
                let webpki =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .build()
                        .map_err(|_| invalid("sslrootcert holds no usable certificate"))?;
                if mode == Mode::VerifyFull {
                    webpki
                } else {
                    Arc::new(AnyName(webpki))
                }
            }
        };
        let tls = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|_| invalid("TLS versions"))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Target {
            config,
            tls: MakeRustlsConnect::new(tls),
        })
    }

    /// A connection of its own, driven by a task of its own.
    pub(super) async fn connect(&self) -> Result<Client, StoreError> {
        let (client, connection) =
            self.config.connect(self.tls.clone()).await.map_err(
                |e| match std::error::Error::source(&e) {
                    // The operator needs to know why (refused, no such host,
                    // a certificate for another name), and these carry no
                    // stored data.
                    Some(source) => StoreError::Postgres(format!("cannot connect: {source}")),
                    None => super::pg(e),
                },
            )?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %super::pg(e), "a PostgreSQL connection ended");
            }
        });
        Ok(client)
    }
}

/// Splits `sslmode` and `sslrootcert` off the URL's query (or off a
/// `key=value` string), leaving the rest for tokio-postgres.
fn take_tls_settings(url: &str) -> Result<(String, Option<Mode>, Option<PathBuf>), StoreError> {
    let is_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let (base, settings, separator) = if is_url {
        match url.split_once('?') {
            Some((base, query)) => (base, query.split('&').collect::<Vec<_>>(), "&"),
            None => (url, Vec::new(), "&"),
        }
    } else {
        ("", url.split_whitespace().collect(), " ")
    };
    let (mut mode, mut root_cert) = (None, None);
    let mut kept = Vec::new();
    for setting in settings {
        match setting.split_once('=') {
            Some(("sslmode", value)) => mode = Some(Mode::parse(&decoded(value, is_url)?)?),
            Some(("sslrootcert", value)) => {
                root_cert = Some(PathBuf::from(decoded(value, is_url)?))
            }
            _ => kept.push(setting),
        }
    }
    let rest = match (is_url, kept.is_empty()) {
        (true, true) => base.to_owned(),
        (true, false) => format!("{base}?{}", kept.join(separator)),
        (false, _) => kept.join(separator),
    };
    Ok((rest, mode, root_cert))
}

/// A URL query value with its `%XX` escapes undone (a path may need them).
fn decoded(value: &str, is_url: bool) -> Result<String, StoreError> {
    if !is_url {
        return Ok(value.to_owned());
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| invalid("a %-escape in the URL is not two hex digits"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| invalid("a URL value is not UTF-8"))
}

fn read_roots(path: &PathBuf) -> Result<RootCertStore, StoreError> {
    let cannot = |why: &str| invalid(&format!("sslrootcert {}: {why}", path.display()));
    let pem = std::fs::read(path).map_err(|e| cannot(&e.kind().to_string()))?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|_| cannot("not a PEM certificate file"))?;
        roots
            .add(cert)
            .map_err(|_| cannot("a certificate in it cannot be used"))?;
    }
    if roots.is_empty() {
        return Err(cannot("holds no certificate"));
    }
    Ok(roots)
}

/// `verify-ca`: the chain must lead to `sslrootcert`, whatever name the
/// certificate gives (libpq's meaning; for servers reached by an address
/// their certificate does not name).
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `prefer` and `require` without `sslrootcert`: encrypted, the
/// certificate taken as it comes (libpq's meaning). The handshake's
/// signatures are still checked, so the session is with that certificate's key.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_settings_leave_the_url_and_the_rest_of_its_query() {
        let (rest, mode, root) = take_tls_settings(
            "postgres://rondo@db:5432/rondo?sslmode=verify-full&application_name=rondo&sslrootcert=%2Fetc%2Fca.pem",
        )
        .unwrap();
        assert_eq!(
            rest,
            "postgres://rondo@db:5432/rondo?application_name=rondo"
        );
        assert_eq!(mode, Some(Mode::VerifyFull));
        assert_eq!(root, Some(PathBuf::from("/etc/ca.pem")));
        let (rest, mode, root) = take_tls_settings("host=db user=rondo sslmode=require").unwrap();
        assert_eq!(rest, "host=db user=rondo");
        assert_eq!(mode, Some(Mode::Require));
        assert_eq!(root, None);
        let (rest, mode, _) = take_tls_settings("postgres://db/rondo").unwrap();
        assert_eq!((rest.as_str(), mode), ("postgres://db/rondo", None));
    }

    #[test]
    fn an_unknown_sslmode_or_a_verify_mode_without_a_ca_is_refused_by_name() {
        let message = |url| match Target::parse(url, "--store") {
            Err(StoreError::Postgres(m)) => m,
            _ => panic!("accepted {url}"),
        };
        assert!(message("postgres://db/rondo?sslmode=allow").starts_with("--store: sslmode"));
        assert!(message("postgres://db/rondo?sslmode=verify-full").contains("sslrootcert"));
        assert!(
            message("postgres://db/rondo?sslmode=require&sslrootcert=/nonexistent")
                .contains("sslrootcert /nonexistent")
        );
    }
}
