//! The web client, embedded in the binary and served with a strict CSP.

use crate::app::App;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// Scripts and styles from this origin only; websockets to this origin; no
/// inline code, no framing, no plugins. The service worker and the web
/// manifest, which make the page installable, from this origin too.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
frame-ancestors 'none'; form-action 'self'";

/// The client's files by their path under `web-client/`, compiled in.
macro_rules! client_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../web-client/", $path)))),*]
    };
}

const FILES: &[(&str, &str)] = client_files![
    "index.html",
    "app.js",
    "model.js",
    "dom.js",
    "session.js",
    "caseview.js",
    "clock.js",
    "controls.js",
    "guide.js",
    "lobby.js",
    "notes.js",
    "queue.js",
    "record.js",
    "roster.js",
    "summary.js",
    "console.js",
    "supervision.js",
    "console-record.js",
    "display.js",
    "pwa.js",
    "room.js",
    "unsaved.js",
    "sw.js",
    "manifest.webmanifest",
    "icon.svg",
    "connection.js",
    "i18n.js",
    "turnbar.js",
    "limits.js",
    "links.js",
    "style.css",
    "locales/en.ftl",
    "locales/de.ftl",
    "locales/nl.ftl",
    "vendor/fluent-bundle/ast.js",
    "vendor/fluent-bundle/builtins.js",
    "vendor/fluent-bundle/bundle.js",
    "vendor/fluent-bundle/index.js",
    "vendor/fluent-bundle/memoizer.js",
    "vendor/fluent-bundle/resolver.js",
    "vendor/fluent-bundle/resource.js",
    "vendor/fluent-bundle/scope.js",
    "vendor/fluent-bundle/types.js",
    "vendor/fluent-langneg/accepted_languages.js",
    "vendor/fluent-langneg/index.js",
    "vendor/fluent-langneg/locale.js",
    "vendor/fluent-langneg/matches.js",
    "vendor/fluent-langneg/negotiate_languages.js",
];

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        // Fluent catalogues, fetched by the client.
        _ => "text/plain; charset=utf-8",
    }
}

fn page(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// The app's icons for phones' home screens, which want PNG.
const ICONS: &[(&str, &[u8])] = &[
    (
        "/icon-192.png",
        include_bytes!("../../web-client/icon-192.png"),
    ),
    (
        "/icon-512.png",
        include_bytes!("../../web-client/icon-512.png"),
    ),
];

/// Each file's path on the server and its content type (the icons' too).
pub fn files() -> impl Iterator<Item = (String, &'static str)> {
    let icons = ICONS
        .iter()
        .map(|(path, _)| (path.to_string(), "image/png"));
    let files = FILES
        .iter()
        .map(|(path, _)| (route(path), content_type(path)));
    icons.chain(files)
}

/// Where a file is served: the page at `/`, the others under their path.
fn route(path: &str) -> String {
    if path == "index.html" {
        "/".to_owned()
    } else {
        format!("/{path}")
    }
}

pub fn router() -> Router<Arc<App>> {
    let icons = ICONS.iter().fold(Router::new(), |router, &(path, body)| {
        router.route(
            path,
            get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, "image/png"),
                        (header::CACHE_CONTROL, "no-cache"),
                    ],
                    body,
                )
                    .into_response()
            }),
        )
    });
    FILES.iter().fold(icons, |router, &(path, body)| {
        router.route(
            &route(path),
            get(move || async move { page(content_type(path), body) }),
        )
    })
}

#[cfg(test)]
mod shell_tests {
    use super::FILES;

    /// The offline shell is the whole page: a module the service worker
    /// does not keep would fail the page's imports once offline.
    #[test]
    fn the_service_worker_keeps_every_file_of_the_page() {
        let worker = FILES
            .iter()
            .find(|(path, _)| *path == "sw.js")
            .expect("the service worker")
            .1;
        for (path, _) in FILES {
            let needed = [".js", ".css", ".ftl"].iter().any(|e| path.ends_with(e));
            if needed && *path != "sw.js" {
                assert!(
                    worker.contains(&format!("'/{path}'")),
                    "sw.js does not keep {path}"
                );
            }
        }
    }
}
