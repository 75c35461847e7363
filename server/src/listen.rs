//! Accepting connections: caps per address, a deadline for request headers,
//! and graceful shutdown. (axum::serve has none of these knobs, so the accept
//! loop drives hyper directly, as axum's serve-with-hyper example does.)

use crate::client_addr::{read_proxy_header, ProxyHeader, TrustedProxies};
use crate::metrics::Metrics;
use axum::extract::Request;
use axum::Router;
use dashmap::DashMap;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// A client must send its request headers within this.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The kernel's send buffer for each connection.
const SEND_BUFFER_BYTES: usize = 64 * 1024;
/// How long shutdown waits for HTTP requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Open connections per address: all of them, and those not yet authenticated.
pub struct Admission {
    open: DashMap<IpAddr, usize>,
    unauthenticated: DashMap<IpAddr, usize>,
    open_max: usize,
    unauthenticated_max: usize,
}

/// One connection's places in the counts; dropping it gives them back.
pub struct Ticket {
    admission: Arc<Admission>,
    ip: IpAddr,
    /// Held until the connection authenticates (or ends).
    unauthenticated: Mutex<bool>,
}

impl Admission {
    pub fn new(open_max: usize, unauthenticated_max: usize) -> Arc<Admission> {
        Arc::new(Admission {
            open: DashMap::new(),
            unauthenticated: DashMap::new(),
            open_max,
            unauthenticated_max,
        })
    }

    /// A ticket for a new connection from `ip`, unless it has too many.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Arc<Ticket>> {
        let mut open = self.open.entry(ip).or_insert(0);
        let mut unauthenticated = self.unauthenticated.entry(ip).or_insert(0);
        if *open >= self.open_max || *unauthenticated >= self.unauthenticated_max {
            return None;
        }
        *open += 1;
        *unauthenticated += 1;
        Some(Arc::new(Ticket {
            admission: self.clone(),
            ip,
            unauthenticated: Mutex::new(true),
        }))
    }

    fn release(map: &DashMap<IpAddr, usize>, ip: IpAddr) {
        if let Some(mut count) = map.get_mut(&ip) {
            *count = count.saturating_sub(1);
        }
        map.remove_if(&ip, |_, count| *count == 0);
    }
}

impl Ticket {
    /// The address the connection came from.
    pub fn ip(&self) -> IpAddr {
        self.ip
    }

    /// The connection proved who it is: it no longer counts as unauthenticated.
    pub fn authenticated(&self) {
        let mut pending = self
            .unauthenticated
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if std::mem::take(&mut *pending) {
            Admission::release(&self.admission.unauthenticated, self.ip);
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.authenticated();
        Admission::release(&self.admission.open, self.ip);
    }
}

/// Whom a connection's requests are counted against.
enum Client {
    /// One address for the whole connection: its peer's, or the one a
    /// trusted proxy's PROXY header named.
    Known(IpAddr),
    /// A trusted proxy's connection without a PROXY header: each request
    /// names its client in `X-Forwarded-For`.
    Forwarded(IpAddr),
}

/// Reads what a trusted proxy says of the connection before its HTTP, in
/// the time request headers are given; `None` drops the connection.
async fn client_of(
    mut stream: TcpStream,
    peer: IpAddr,
    trusted: &TrustedProxies,
) -> Option<(TcpStream, Client)> {
    if !trusted.trusts(peer) {
        return Some((stream, Client::Known(peer)));
    }
    let header = tokio::time::timeout(HEADER_READ_TIMEOUT, read_proxy_header(&mut stream)).await;
    let client = match header {
        Ok(Ok(ProxyHeader::Client(ip))) => Client::Known(ip),
        Ok(Ok(ProxyHeader::Local)) => Client::Known(peer),
        Ok(Ok(ProxyHeader::Absent)) => Client::Forwarded(peer),
        Ok(Err(why)) => {
            tracing::debug!(proxy = %peer, why, "connection dropped: its PROXY header");
            return None;
        }
        Err(_) => return None,
    };
    Some((stream, client))
}

/// How a connection's requests are counted against their clients' addresses.
struct Counted {
    /// The connection's one ticket when its client is known.
    connection: Option<Arc<Ticket>>,
    /// The trusted proxy whose requests name their clients, otherwise.
    proxy: IpAddr,
    admission: Arc<Admission>,
    trusted: Arc<TrustedProxies>,
    metrics: Arc<Metrics>,
}

impl Counted {
    /// Takes the connection's ticket now when its client is known; `None`
    /// when that address holds too many (the connection is then closed
    /// before it reads a byte of HTTP).
    fn new(
        client: Client,
        admission: Arc<Admission>,
        trusted: Arc<TrustedProxies>,
        metrics: Arc<Metrics>,
    ) -> Option<Counted> {
        let (connection, proxy) = match client {
            Client::Known(ip) => match admission.admit(ip) {
                Some(ticket) => (Some(ticket), ip),
                None => {
                    refused(&metrics, ip);
                    return None;
                }
            },
            Client::Forwarded(proxy) => (None, proxy),
        };
        Some(Counted {
            connection,
            proxy,
            admission,
            trusted,
            metrics,
        })
    }

    /// The ticket a request holds while it runs (a websocket: while it is open).
    fn ticket_for(&self, request: &Request<Incoming>) -> Option<Arc<Ticket>> {
        if let Some(ticket) = &self.connection {
            return Some(ticket.clone());
        }
        let ip = self.trusted.forwarded_for(request.headers(), self.proxy);
        let ticket = self.admission.admit(ip);
        if ticket.is_none() {
            refused(&self.metrics, ip);
        }
        ticket
    }
}

fn refused(metrics: &Metrics, ip: IpAddr) {
    metrics.connection_refused();
    tracing::debug!(client = %ip, "refused: too many connections from this address");
}

/// A request over a proxy's shared connection whose client holds too many.
fn too_many_connections() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::TOO_MANY_REQUESTS,
        "too many connections from this address",
    )
        .into_response()
}

/// Serves `router` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    admission: Arc<Admission>,
    trusted: TrustedProxies,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) {
    let trusted = Arc::new(trusted);
    // Connections in flight, and the signal that tells them to finish.
    let active = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (stopping, stop) = tokio::sync::watch::channel(false);
    // HTTP/1.1 only: websockets upgrade from it, and the deadline for
    // request headers applies from the first moment of a connection.
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Turn changes are small frames that must not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        // A modest kernel send buffer: frames are small, and a client that
        // stops reading then shows up in its outbox within seconds rather than
        // after megabytes.
        let _ = socket2::SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER_BYTES);
        let (admission, metrics, trusted) = (admission.clone(), metrics.clone(), trusted.clone());
        let (router, builder) = (router.clone(), builder.clone());
        let (active, mut stop) = (active.clone(), stop.clone());
        active.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tokio::spawn(async move {
            let counted = match client_of(stream, peer.ip(), &trusted).await {
                Some((stream, client)) => Counted::new(client, admission, trusted, metrics)
                    .map(|counted| (stream, counted)),
                None => None,
            };
            if let Some((stream, counted)) = counted {
                let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
                    let ticket = counted.ticket_for(&request);
                    let router = router.clone();
                    async move {
                        let Some(ticket) = ticket else {
                            return Ok(too_many_connections());
                        };
                        request.extensions_mut().insert(ticket);
                        router.oneshot(request).await
                    }
                });
                let connection = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .with_upgrades();
                tokio::pin!(connection);
                // Errors here are clients going away or timing out: nothing to do.
                tokio::select! {
                    _ = connection.as_mut() => {}
                    _ = stop.changed() => {
                        connection.as_mut().graceful_shutdown();
                        let _ = connection.await;
                    }
                }
            }
            active.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        });
    }
    // Requests in flight finish (websockets close on the app's own signal).
    let _ = stopping.send(true);
    let drained = async {
        while active.load(std::sync::atomic::Ordering::Relaxed) > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, drained).await;
}
