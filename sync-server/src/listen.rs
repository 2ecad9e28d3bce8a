//! The listener: how connections are accepted and served, with the
//! defences that hold before any request is understood.
//!
//! - at most [`Defences::max_connections`] connections at once (further
//!   connections wait in the kernel's backlog), and at most
//!   [`Defences::per_address`] from one address (more are closed at once);
//! - a TLS handshake must finish within [`Defences::handshake_timeout`];
//! - a request's headers must arrive within [`Defences::header_timeout`],
//!   which also closes a connection left idle that long between requests;
//! - headers past [`MAX_HEADER_BYTES`] are refused by hyper itself (a
//!   bare 431); the routes refuse smaller excesses with the usual
//!   `{kind, message}` body (`http::bounded_head`).
//!
//! HTTP/1.1 only: a round is one request, and the limits above are
//! hyper's HTTP/1 settings (TLS offers only `http/1.1` by ALPN).

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// The most a request's start line and headers may take, whatever the
/// route: hyper refuses more with a bare 431 and closes the connection.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// The limits of the listener (see the module's documentation). Each has
/// a `serve` option; the defaults suit a team's server on a small machine.
#[derive(Debug, Clone, Copy)]
pub struct Defences {
    /// Connections served at once.
    pub max_connections: usize,
    /// Connections served at once from one address.
    pub per_address: usize,
    /// Time to finish a TLS handshake.
    pub handshake_timeout: Duration,
    /// Time to send a request's headers (and to start the next request on
    /// a kept-alive connection).
    pub header_timeout: Duration,
    /// Time to send a sync request's body (read by the route, after the
    /// device is authenticated).
    pub body_timeout: Duration,
}

impl Default for Defences {
    fn default() -> Self {
        Self {
            max_connections: 512,
            // An office's devices often share one public address (NAT):
            // a hundred laptops syncing at once must not be turned away.
            per_address: 256,
            handshake_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
        }
    }
}

/// Connections open per address.
#[derive(Debug, Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

/// One connection counted against its address until dropped.
struct Counted {
    counts: Arc<PerAddress>,
    ip: IpAddr,
}

impl PerAddress {
    fn enter(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<Counted> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Counted {
            counts: Arc::clone(self),
            ip,
        })
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut map = self.counts.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Serve `app` on `listener` until `shutdown` completes, over TLS when
/// `tls` is given; then wait up to 5 seconds for open requests to end.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<TlsAcceptor>,
    defences: Defences,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(defences.max_connections));
    let per_address = Arc::new(PerAddress::default());
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, addr) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // A connection that failed before it was accepted, or the
                // process out of file descriptors: go on after a breath.
                Err(e) => {
                    tracing::warn!("could not accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(counted) = per_address.enter(addr.ip(), defences.per_address) else {
            tracing::warn!(address = %addr.ip(), "too many connections from one address; closing the newest");
            continue;
        };
        let app = app.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _held = (permit, counted);
            connection(stream, addr, app, tls, defences).await;
        });
    }
    let all = u32::try_from(defences.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(Duration::from_secs(5), slots.acquire_many(all)).await;
    Ok(())
}

/// One connection: the TLS handshake if any, then HTTP/1.1 requests.
async fn connection(
    stream: TcpStream,
    addr: SocketAddr,
    app: Router,
    tls: Option<TlsAcceptor>,
    defences: Defences,
) {
    let _ = stream.set_nodelay(true);
    match tls {
        None => http(TokioIo::new(stream), addr, app, defences).await,
        Some(acceptor) => {
            match tokio::time::timeout(defences.handshake_timeout, acceptor.accept(stream)).await {
                Ok(Ok(stream)) => http(TokioIo::new(stream), addr, app, defences).await,
                Ok(Err(e)) => tracing::debug!(address = %addr.ip(), "TLS handshake failed: {e}"),
                Err(_) => {
                    tracing::debug!(address = %addr.ip(), "TLS handshake timed out")
                }
            }
        }
    }
}

async fn http<I>(io: TokioIo<I>, addr: SocketAddr, app: Router, defences: Defences)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(addr));
        let app = app.clone();
        async move {
            let resp = app.oneshot(req.map(axum::body::Body::new)).await;
            Ok::<_, Infallible>(resp.unwrap_or_else(|never| match never {}))
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(defences.header_timeout)
        .max_header_size(MAX_HEADER_BYTES)
        .keep_alive(true);
    if let Err(e) = builder.serve_connection(io, service).await {
        tracing::debug!(address = %addr.ip(), "connection ended: {e}");
    }
}
