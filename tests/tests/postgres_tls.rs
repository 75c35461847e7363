//! TLS to PostgreSQL (issue 22): Debian's PostgreSQL with `ssl = on` and a
//! `pg_hba.conf` that admits TCP only over TLS, a CA and a server certificate
//! made here with the openssl command; nodes started with each `sslmode`.

use rondo_tests::cluster::{self, Postgres};
use rondo_tests::{create_group, rondo_binary, TEST_KEY};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The name the server's certificate is made out to.
const DB_NAME: &str = "db.rondo.test";

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl (apt-get install openssl)");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A self-signed CA in `dir`: `<name>.pem` and `<name>.key`.
fn make_ca(dir: &Path, name: &str) -> PathBuf {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-days",
            "2",
            "-subj",
            &format!("/CN={name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    dir.join(format!("{name}.pem"))
}

/// A PostgreSQL that speaks TLS with a certificate for `DB_NAME` signed by
/// the CA it returns, and admits TCP connections only over TLS.
fn tls_postgres(certs: &Path) -> Option<(Postgres, PathBuf)> {
    let ca = make_ca(certs, "ca");
    let started = Postgres::start_configured(|data| {
        std::fs::write(
            data.join("server.ext"),
            format!(
                "subjectAltName=DNS:{DB_NAME}\nbasicConstraints=CA:FALSE\n\
                 keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
            ),
        )
        .unwrap();
        openssl(
            data,
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                &format!("/CN={DB_NAME}"),
            ],
        );
        let ca_pem = ca.to_str().unwrap().to_owned();
        let ca_key = certs.join("ca.key").to_str().unwrap().to_owned();
        openssl(
            data,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                &ca_pem,
                "-CAkey",
                &ca_key,
                "-CAcreateserial",
                "-out",
                "server.crt",
                "-days",
                "2",
                "-extfile",
                "server.ext",
            ],
        );
        // PostgreSQL refuses a key others can read.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            data.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        let mut conf = std::fs::read_to_string(data.join("postgresql.conf")).unwrap();
        conf.push_str("\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
        std::fs::write(data.join("postgresql.conf"), conf).unwrap();
        // No `host` line: a TCP connection without TLS finds no entry.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
        )
        .unwrap();
    })?;
    Some((started, ca))
}

/// A store URL that reaches this PostgreSQL by `host` at 127.0.0.1.
fn url(postgres: &Postgres, host: &str, tls: &str) -> String {
    format!(
        "postgres://rondo@{host}:{}/postgres?hostaddr=127.0.0.1&{tls}",
        postgres.port
    )
}

/// Starts a node that should refuse to start; its message.
fn refused(dir: &Path, store: &str) -> String {
    let output = Command::new(rondo_binary())
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(dir.join("unused.db"))
        .args(["--store", store])
        .env("RONDO_DATA_KEY", TEST_KEY)
        .output()
        .expect("rondo");
    assert!(!output.status.success(), "started on {store}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A node on `store` serves a member of a group it created; the node,
/// still running.
async fn serves(dir: &Path, store: &str) -> rondo_tests::Server {
    let node = cluster::node(dir, store);
    let group = create_group(node.addr, &["Ada", "Ben"]).await;
    let member = cluster::connect(node.addr, &group, "Ada", None).await;
    assert_eq!(member.welcome["type"], "welcome");
    node
}

#[tokio::test]
async fn require_encrypts_every_connection_to_a_hostssl_only_server() {
    let certs = tempfile::tempdir().unwrap();
    let Some((postgres, _ca)) = tls_postgres(certs.path()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();

    // The server really admits nothing but TLS: without it, no node starts.
    let message = refused(dir.path(), &url(&postgres, "127.0.0.1", "sslmode=disable"));
    assert!(message.contains("refusing to start"), "{message}");
    assert!(message.contains("no encryption"), "{message}");

    let _node = serves(dir.path(), &url(&postgres, "127.0.0.1", "sslmode=require")).await;
    // The writer's, the lease's and the pool's connections: every one of
    // the node's backends (and psql's own) is encrypted.
    let backends = postgres.query(
        "SELECT count(*), bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
         WHERE a.backend_type = 'client backend'",
    );
    let (count, all_tls) = backends[0].split_once('|').unwrap();
    assert!(count.parse::<u32>().unwrap() >= 4, "{backends:?}");
    assert_eq!(all_tls, "t", "{backends:?}");
}

#[tokio::test]
async fn verify_full_refuses_a_certificate_for_another_name_and_verify_ca_a_foreign_ca() {
    let certs = tempfile::tempdir().unwrap();
    let Some((postgres, ca)) = tls_postgres(certs.path()) else {
        return;
    };
    let foreign = make_ca(certs.path(), "foreign");
    let dir = tempfile::tempdir().unwrap();
    let root = |ca: &Path| format!("sslrootcert={}", ca.display());

    serves(
        dir.path(),
        &url(
            &postgres,
            DB_NAME,
            &format!("sslmode=verify-full&{}", root(&ca)),
        ),
    )
    .await;

    let message = refused(
        dir.path(),
        &url(
            &postgres,
            "wrong.rondo.test",
            &format!("sslmode=verify-full&{}", root(&ca)),
        ),
    );
    assert!(message.contains("refusing to start"), "{message}");
    assert!(message.contains("not valid for name"), "{message}");
    assert!(message.contains("wrong.rondo.test"), "{message}");

    // verify-ca checks the chain and not the name.
    serves(
        dir.path(),
        &url(
            &postgres,
            "wrong.rondo.test",
            &format!("sslmode=verify-ca&{}", root(&ca)),
        ),
    )
    .await;
    let message = refused(
        dir.path(),
        &url(
            &postgres,
            DB_NAME,
            &format!("sslmode=verify-ca&{}", root(&foreign)),
        ),
    );
    assert!(message.contains("UnknownIssuer"), "{message}");

    // Given a CA, require checks the chain too, as libpq does.
    let message = refused(
        dir.path(),
        &url(
            &postgres,
            DB_NAME,
            &format!("sslmode=require&{}", root(&foreign)),
        ),
    );
    assert!(message.contains("UnknownIssuer"), "{message}");
}
