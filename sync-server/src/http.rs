//! The HTTP interface (axum). Every handler authenticates, then runs its
//! storage work on a blocking thread holding the database; errors answer
//! `{kind, message}` with the right status. `/v1/sync` speaks CBOR, the
//! small account endpoints JSON.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Request, State};
use axum::http::{header, Extensions, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use carnet_core::sync::api::{
    paths, EraseRequest, Health, Invitation, InviteRequest, JoinRequest, Joined, Me,
};
use carnet_core::sync::protocol::{decode, encode};
use carnet_core::sync::server::{handle_sync, screen, HandleError, Limits};
use carnet_core::sync::{Role, SyncRequest};
use carnet_core::{Clock, RecordId, SystemClock, Timestamp};
use tokio::sync::Semaphore;

use crate::db::{self, Database, Device};
use crate::error::ServerError;
use crate::listen::Defences;
use crate::metrics::{Metrics, Round};
use crate::store::{DocCache, TeamStore};
use crate::throttle::{JoinLimits, JoinThrottle};

/// The largest sync request body accepted.
pub const MAX_BODY: usize = 32 * 1024 * 1024;
/// The largest body of the JSON endpoints (join, invite, erase), which
/// are read before a device is known (join) or are a few fields long.
pub const MAX_JSON_BODY: usize = 64 * 1024;
/// The longest request target (path and query) accepted.
pub const MAX_URI: usize = 2048;
/// The most a request's headers may take (the listener refuses past
/// [`crate::listen::MAX_HEADER_BYTES`] without a body of ours).
pub const MAX_HEADERS: usize = 16 * 1024;

/// Shared state of the server.
#[derive(Debug, Clone)]
pub struct AppState {
    db: Database,
    /// Decoded documents kept between sync rounds.
    docs: Arc<DocCache>,
    limits: Limits,
    clock: Arc<dyn Clock>,
    defences: Defences,
    /// Sync requests decoding and measuring their body at once: each may
    /// inflate up to [`carnet_core::sync::server::MAX_INFLATED_REQUEST`]
    /// into a counter.
    heavy: Arc<Semaphore>,
    /// One sync request at a time per device, from reading its body to
    /// its answer: a device that sends slowly delays only itself, and
    /// holds one body in memory, never many.
    per_device: Arc<Mutex<std::collections::HashMap<String, Arc<Semaphore>>>>,
    joins: Arc<Mutex<JoinThrottle>>,
    /// What `/metrics` says.
    metrics: Arc<Metrics>,
    /// Set when the server is stopping: requests are told to come back.
    stopping: Arc<std::sync::atomic::AtomicBool>,
    /// Requests being answered (the ones a stopping server waits for).
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
}

impl AppState {
    /// State over an open database.
    pub fn new(db: Database) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            db,
            docs: Arc::new(DocCache::default()),
            limits: Limits::default(),
            clock: Arc::new(SystemClock),
            defences: Defences::default(),
            heavy: Arc::new(Semaphore::new(cores.max(2))),
            per_device: Arc::default(),
            joins: Arc::new(Mutex::new(JoinThrottle::new(JoinLimits::default()))),
            metrics: Arc::default(),
            stopping: Arc::default(),
            in_flight: Arc::default(),
        }
    }

    /// Stop taking requests: from now on each is answered 503 with a
    /// retry hint (those already being answered finish).
    pub fn stop(&self) {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Wait until no request is being answered, or `most` has passed;
    /// whether none is.
    pub async fn drained(&self, most: std::time::Duration) -> bool {
        let start = Instant::now();
        while self.in_flight.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            if start.elapsed() >= most {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        true
    }

    /// The same, reading the time from `clock` (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The same, with these listener limits (the body timeout is the
    /// routes') and join limits.
    pub fn with_defences(mut self, defences: Defences, joins: JoinLimits) -> Self {
        self.defences = defences;
        self.joins = Arc::new(Mutex::new(JoinThrottle::new(joins)));
        self
    }

    /// The turn of a device's sync requests (see `per_device`); turns no
    /// request holds or waits for are forgotten.
    fn device_turn(&self, device: &str) -> Arc<Semaphore> {
        let mut turns = self.per_device.lock().unwrap_or_else(|p| p.into_inner());
        turns.retain(|_, t| Arc::strong_count(t) > 1);
        Arc::clone(
            turns
                .entry(device.to_string())
                .or_insert_with(|| Arc::new(Semaphore::new(1))),
        )
    }

    fn joins(&self) -> std::sync::MutexGuard<'_, JoinThrottle> {
        self.joins.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Run `f` on a blocking thread with the database. A panic in `f`
    /// answers 500 and leaves the database as it was (the transaction is
    /// rolled back when dropped).
    async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Database) -> Result<T, ServerError> + Send + 'static,
    ) -> Result<T, ServerError> {
        let db = self.db.clone();
        let metrics = Arc::clone(&self.metrics);
        tokio::task::spawn_blocking(move || {
            metrics.db_busy(1);
            let _busy = Gauge(&metrics, Metrics::db_busy);
            f(&db)
        })
        .await
        .map_err(|e| ServerError::Internal(format!("a request handler failed: {e}")))?
    }
}

/// Takes one off a gauge when dropped (a panic included).
struct Gauge<'a>(&'a Metrics, fn(&Metrics, i64));

impl Drop for Gauge<'_> {
    fn drop(&mut self) {
        (self.1)(self.0, -1);
    }
}

/// The router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            paths::HEALTH,
            get(|| async {
                Json(Health {
                    status: "ok".into(),
                })
            }),
        )
        .route(paths::READY, get(ready))
        .route(paths::METRICS, get(metrics))
        .route(paths::JOIN, post(join))
        .route(paths::ME, get(me))
        .route(paths::SYNC, post(sync))
        .route(paths::INVITATIONS, post(invite))
        .route(paths::DEVICES, get(devices))
        .route(paths::REVOKE_ROUTE, post(revoke))
        .route(paths::ERASE_ROUTE, post(erase))
        .route_layer(middleware::from_fn_with_state(state.clone(), observe))
        .fallback(|| async {
            ServerError::NotFound("no such endpoint on this Carnet server".into())
        })
        // The sync route reads its body itself, after authentication.
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .layer(middleware::from_fn(bounded_head))
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

/// Each request of a route: an id (the `x-request-id` answered, and the
/// span of every log line it makes: which round a refusal belongs to),
/// then its count and duration by route and status.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use tracing::Instrument;
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "other".to_string(), |p| p.as_str().to_string());
    let id = format!("{:016x}", rand::random::<u64>());
    let started = Instant::now();
    let span = tracing::info_span!("request", id = %id, route = %route);
    let mut resp = next.run(req).instrument(span).await;
    state
        .metrics
        .request(&route, resp.status().as_u16(), started.elapsed());
    if let Ok(value) = header::HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", value);
    }
    resp
}

/// Counts the requests being answered; once the server is stopping,
/// answers each new one 503 with a retry hint (`/v1/health` apart: the
/// process is still up).
async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use std::sync::atomic::Ordering;
    state.in_flight.fetch_add(1, Ordering::SeqCst);
    struct Done<'a>(&'a std::sync::atomic::AtomicUsize);
    impl Drop for Done<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let _done = Done(&state.in_flight);
    if state.stopping.load(Ordering::SeqCst) && req.uri().path() != paths::HEALTH {
        return ServerError::Unavailable(
            "the server is stopping; your device will sync again in a moment".into(),
        )
        .into_response();
    }
    next.run(req).await
}

/// Whether the server can answer: its database answers a query.
async fn ready(State(state): State<AppState>) -> Result<Json<Health>, ServerError> {
    let answered = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        state.with_db(|db| db.read(|tx| tx.one("SELECT 1", &[])?.int(0))),
    )
    .await;
    match answered {
        Ok(Ok(1)) => Ok(Json(Health {
            status: "ready".into(),
        })),
        Ok(Ok(_)) | Ok(Err(_)) => Err(ServerError::Unavailable(
            "the server's database does not answer; try again in a moment".into(),
        )),
        Err(_) => Err(ServerError::Unavailable(
            "the server's database is busy beyond 5 seconds; try again in a moment".into(),
        )),
    }
}

/// The metrics, in Prometheus's text format.
async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state
            .metrics
            .render(state.db.pool().map(|p| p.status().into())),
    )
        .into_response()
}

/// Refuse a request target or headers larger than the server reads, with
/// the usual body (414, 431).
async fn bounded_head(req: Request, next: Next) -> Response {
    let uri = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri > MAX_URI {
        return ServerError::UriTooLong(MAX_URI).into_response();
    }
    let headers: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if headers > MAX_HEADERS {
        return ServerError::HeadersTooLarge(MAX_HEADERS).into_response();
    }
    next.run(req).await
}

fn token(headers: &HeaderMap) -> Result<String, ServerError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string)
        .ok_or(ServerError::UnknownToken)
}

async fn device(state: &AppState, headers: &HeaderMap) -> Result<Device, ServerError> {
    let token = token(headers)?;
    state.with_db(move |db| db::authenticate(db, &token)).await
}

async fn coordinator(state: &AppState, headers: &HeaderMap) -> Result<Device, ServerError> {
    let device = device(state, headers).await?;
    if device.access.role != Role::Coordinator {
        return Err(ServerError::Forbidden(
            "only a coordinator can do this".into(),
        ));
    }
    Ok(device)
}

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ServerError> {
    match body {
        Ok(Json(v)) => Ok(v),
        Err(JsonRejection::BytesRejection(_)) => Err(ServerError::TooLarge(MAX_JSON_BODY)),
        Err(JsonRejection::MissingJsonContentType(_)) => Err(ServerError::UnsupportedMediaType(
            "send JSON with Content-Type: application/json".into(),
        )),
        Err(e) => Err(ServerError::BadRequest(format!(
            "the request body is not what this endpoint expects: {}",
            e.body_text()
        ))),
    }
}

/// The peer's address, when the listener gave it (tests that call the
/// router directly give none).
fn peer(extensions: &Extensions) -> Option<std::net::IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip())
}

async fn join(
    State(state): State<AppState>,
    extensions: Extensions,
    body: Result<Json<JoinRequest>, JsonRejection>,
) -> Result<Response, ServerError> {
    let ip = peer(&extensions).unwrap_or(std::net::Ipv4Addr::UNSPECIFIED.into());
    let paused = state.joins().check(ip, Instant::now());
    if let Err(p) = paused {
        tracing::warn!(address = %ip, whole_server = p.overall, retry_after_s = p.retry_after.as_secs(), "join refused: too many wrong invitation codes");
        return Err(ServerError::TooManyAttempts(p.retry_after));
    }
    let req = json_body(body)?;
    let joined = state
        .with_db({
            let now = state.now();
            move |db| db::join(db, &req.code, &req.device_name, &req.member_name, now)
        })
        .await;
    let joined: Joined = match joined {
        Err(e @ (ServerError::BadCode | ServerError::UsedCode | ServerError::ExpiredCode)) => {
            state.joins().failed(ip, Instant::now());
            tracing::warn!(address = %ip, kind = %e.kind(), "join refused");
            return Err(e);
        }
        other => other?,
    };
    tracing::info!(team = %joined.team, device = %joined.device_id, "device joined");
    Ok((StatusCode::CREATED, Json(joined)).into_response())
}

async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Me>, ServerError> {
    let d = device(&state, &headers).await?;
    Ok(Json(Me {
        device_id: db::typed_id(&d.id, "device")?,
        team: db::typed_id(&d.team, "team")?,
        member_id: d.member,
        role: d.access.role,
        persons: d.access.persons,
        organisation: d.access.organisation,
    }))
}

/// The checks of a sync request made from its headers: the device, the
/// content type, the declared length.
async fn sync_headers(state: &AppState, headers: &HeaderMap) -> Result<Device, ServerError> {
    let device = device(state, headers).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type != "application/cbor" {
        return Err(ServerError::UnsupportedMediaType(
            "a sync request must be CBOR (Content-Type: application/cbor)".into(),
        ));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(ServerError::TooLarge(MAX_BODY));
    }
    Ok(device)
}

/// `refusal`, once the refused request's body has been read and thrown
/// away (never kept: memory stays flat), up to twice [`MAX_BODY`] and
/// within `timeout`. A client still sending when the connection closes
/// would see it reset instead of reading why it was refused; past those
/// bounds, it does.
async fn drained(body: Body, timeout: std::time::Duration, refusal: ServerError) -> ServerError {
    use http_body_util::BodyExt;
    let discard = async {
        let mut body = body;
        let mut seen = 0usize;
        while let Some(Ok(frame)) = body.frame().await {
            seen += frame.data_ref().map_or(0, |d| d.len());
            if seen > 2 * MAX_BODY {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(timeout, discard).await;
    refusal
}

async fn sync(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ServerError> {
    // Who is asking, from the headers alone: a body is read only for a
    // device of a team.
    let device = match sync_headers(&state, &headers).await {
        Ok(d) => d,
        Err(e) => return Err(drained(body, state.defences.body_timeout, e).await),
    };
    let stopping = |_| ServerError::Internal("the server is stopping".into());
    let _turn = state
        .device_turn(&device.id)
        .acquire_owned()
        .await
        .map_err(stopping)?;
    // Reading the body, decoding it from CBOR and measuring what its
    // records inflate to happen here, away from the database's lock (a
    // few requests at a time): the round decodes only what is bounded.
    let body = tokio::time::timeout(
        state.defences.body_timeout,
        axum::body::to_bytes(body, MAX_BODY),
    )
    .await
    .map_err(|_| ServerError::SlowBody(state.defences.body_timeout))?
    .map_err(|_| ServerError::TooLarge(MAX_BODY))?;
    let bytes_in = body.len();
    let permit = Arc::clone(&state.heavy)
        .acquire_owned()
        .await
        .map_err(stopping)?;
    let (req, refused, pushed) = tokio::task::spawn_blocking(move || {
        let mut req: SyncRequest =
            decode(&body).map_err(|e| ServerError::BadRequest(e.to_string()))?;
        let pushed = req.push.len();
        let refused = screen(&mut req).map_err(|e| ServerError::RequestTooLarge(e.to_string()))?;
        Ok::<_, ServerError>((req, refused, pushed))
    })
    .await
    .map_err(|e| ServerError::Internal(format!("a request handler failed: {e}")))??;
    drop(permit);
    let limits = state.limits;
    let docs = Arc::clone(&state.docs);
    let now = state.now();
    let (team, device_id) = (device.team.clone(), device.id.clone());
    let mut resp = state
        .with_db(move |db| {
            db.write(|tx| {
                let mut store = TeamStore::new(tx, &device.team, &device.id, now)
                    .signing_as(device.member)
                    .with_cache(&docs)
                    .committing_writes();
                handle_sync(&mut store, &device.access, &req, limits).map_err(|e| match e {
                    HandleError::Protocol { .. } => ServerError::Protocol(e.to_string()),
                    HandleError::Store(inner) => inner,
                })
            })
        })
        .await?;
    resp.rejected.splice(0..0, refused);
    for r in &resp.rejected {
        // One line of ours per refused record: its id and why, never its
        // content or the reason's wording.
        tracing::info!(%team, device = %device_id, record = %r.id, code = r.code.code(), "pushed record refused");
        state.metrics.refused(r.code.code());
    }
    let answer = encode(&resp);
    state.metrics.round(Round {
        records_in: pushed,
        records_out: resp.records.len(),
        bytes_in,
        bytes_out: answer.len(),
    });
    tracing::info!(%team, device = %device_id, pushed, sent = resp.records.len(), erased = resp.erased.len(), refused = resp.rejected.len(), more = resp.more, "sync round");
    Ok(([(header::CONTENT_TYPE, "application/cbor")], answer).into_response())
}

async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<InviteRequest>, JsonRejection>,
) -> Result<Response, ServerError> {
    let d = coordinator(&state, &headers).await?;
    let req = json_body(body)?;
    let now = state.now();
    let code = state
        .with_db(move |db| {
            db::invite(
                db,
                &d.team,
                db::Grant {
                    role: req.role,
                    persons: req.persons,
                    organisation: req.organisation,
                },
                req.expires_hours.unwrap_or(InviteRequest::DEFAULT_HOURS),
                now,
            )
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Invitation { code })).into_response())
}

async fn devices(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<carnet_core::sync::DeviceInfo>>, ServerError> {
    let d = coordinator(&state, &headers).await?;
    Ok(Json(
        state.with_db(move |db| db::devices(db, &d.team)).await?,
    ))
}

async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ServerError> {
    let d = coordinator(&state, &headers).await?;
    state
        .with_db({
            let now = state.now();
            move |db| db::revoke(db, &id, Some(&d.team), now)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn erase(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<EraseRequest>, JsonRejection>,
) -> Result<StatusCode, ServerError> {
    let d = coordinator(&state, &headers).await?;
    let req = EraseRequest::new(&json_body(body)?.reason)
        .map_err(|e| ServerError::BadRequest(e.to_string()))?;
    let id: RecordId = id
        .parse()
        .map_err(|e: carnet_core::ids::IdParseError| ServerError::BadRequest(e.to_string()))?;
    state
        .with_db({
            let now = state.now();
            move |db| db::erase(db, &d.team, id, d.member, &req, now)
        })
        .await?;
    tracing::info!(record = %id, "record erased");
    Ok(StatusCode::NO_CONTENT)
}
