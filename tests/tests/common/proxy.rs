//! A load balancer for tests: each request goes to the next server
//! instance in turn (a device's rounds alternate instances), and to the
//! one after when an instance does not accept the connection (an instance
//! killed: its devices go on through the other), as a load balancer
//! retries another upstream. What an instance answers is passed back as
//! it is.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;

/// A proxy running on its own runtime; stopped when dropped.
#[derive(Debug)]
pub struct Proxy {
    /// Its address.
    pub url: String,
    up: Arc<Upstreams>,
    _runtime: tokio::runtime::Runtime,
}

#[derive(Debug)]
struct Upstreams {
    urls: Vec<String>,
    next: AtomicUsize,
    client: reqwest::Client,
    /// Requests each instance answered.
    answered: Vec<AtomicUsize>,
}

/// Headers that belong to one connection, not passed on.
const HOP: [&str; 5] = [
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "host",
];

async fn forward(State(up): State<Arc<Upstreams>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 128 * 1024 * 1024).await else {
        return status(StatusCode::BAD_REQUEST, "the proxy could not read the body");
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let first = up.next.fetch_add(1, Ordering::SeqCst);
    for attempt in 0..up.urls.len() {
        let k = (first + attempt) % up.urls.len();
        let mut out = up
            .client
            .request(parts.method.clone(), format!("{}{path}", up.urls[k]))
            .body(bytes.clone());
        for (name, value) in &parts.headers {
            if !HOP.contains(&name.as_str()) {
                out = out.header(name, value);
            }
        }
        match out.send().await {
            Ok(resp) => {
                up.answered[k].fetch_add(1, Ordering::SeqCst);
                let mut answer = Response::builder().status(resp.status());
                for (name, value) in resp.headers() {
                    if !HOP.contains(&name.as_str()) {
                        answer = answer.header(name, value);
                    }
                }
                let body = resp.bytes().await.unwrap_or_default();
                return answer
                    .body(Body::from(body))
                    .unwrap_or_else(|_| status(StatusCode::BAD_GATEWAY, "bad answer"));
            }
            // Not accepted: the next instance is tried.
            Err(e) if e.is_connect() => continue,
            Err(_) => {
                return status(
                    StatusCode::BAD_GATEWAY,
                    "the instance closed the connection before answering",
                )
            }
        }
    }
    status(StatusCode::BAD_GATEWAY, "no instance accepts connections")
}

fn status(code: StatusCode, message: &str) -> Response {
    Response::builder()
        .status(code)
        .body(Body::from(message.to_string()))
        .unwrap_or_default()
}

impl Proxy {
    /// A proxy before these instances (their base URLs).
    pub fn start(urls: Vec<String>) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let answered = urls.iter().map(|_| AtomicUsize::new(0)).collect();
        let up = Arc::new(Upstreams {
            urls,
            next: AtomicUsize::new(0),
            client: reqwest::Client::builder()
                .connect_timeout(std::time::Duration::from_secs(2))
                .build()
                .expect("client"),
            answered,
        });
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(Arc::clone(&up));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url,
            up,
            _runtime: runtime,
        }
    }

    /// How many requests each instance answered.
    pub fn answered(&self) -> Vec<usize> {
        self.up
            .answered
            .iter()
            .map(|n| n.load(Ordering::SeqCst))
            .collect()
    }
}
