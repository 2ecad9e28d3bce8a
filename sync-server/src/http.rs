//! The HTTP interface (axum). Every handler authenticates, then runs its
//! storage work on a blocking thread holding the database; errors answer
//! `{kind, message}` with the right status. `/v1/sync` speaks CBOR, the
//! small account endpoints JSON.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use carnet_core::sync::api::{
    paths, EraseRequest, Health, Invitation, InviteRequest, JoinRequest, Joined, Me,
};
use carnet_core::sync::protocol::{decode, encode};
use carnet_core::sync::server::{handle_sync, HandleError, Limits};
use carnet_core::sync::{Role, SyncRequest};
use carnet_core::{Clock, RecordId, SystemClock, Timestamp};
use rusqlite::Connection;

use crate::db::{self, Device};
use crate::error::ServerError;
use crate::store::{DocCache, TeamStore};

/// The largest request body accepted.
pub const MAX_BODY: usize = 32 * 1024 * 1024;

/// Shared state of the server.
#[derive(Debug, Clone)]
pub struct AppState {
    conn: Arc<Mutex<Connection>>,
    /// Decoded documents kept between sync rounds (locked after `conn`).
    docs: Arc<Mutex<DocCache>>,
    limits: Limits,
    clock: Arc<dyn Clock>,
}

impl AppState {
    /// State over an open database.
    pub fn new(conn: Connection) -> Self {
        Self {
            conn: Arc::new(Mutex::new(conn)),
            docs: Arc::new(Mutex::new(DocCache::default())),
            limits: Limits::default(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same, reading the time from `clock` (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Run `f` on a blocking thread with the database. A panic in `f`
    /// answers 500 and leaves the database as it was (the transaction is
    /// rolled back when dropped).
    async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, ServerError> + Send + 'static,
    ) -> Result<T, ServerError> {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| ServerError::Internal(format!("a request handler failed: {e}")))?
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
        .route(paths::JOIN, post(join))
        .route(paths::ME, get(me))
        .route(paths::SYNC, post(sync))
        .route(paths::INVITATIONS, post(invite))
        .route(paths::DEVICES, get(devices))
        .route(paths::REVOKE_ROUTE, post(revoke))
        .route(paths::ERASE_ROUTE, post(erase))
        .fallback(|| async {
            ServerError::NotFound("no such endpoint on this Carnet server".into())
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
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
    state
        .with_db(move |conn| db::authenticate(conn, &token))
        .await
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
        Err(JsonRejection::BytesRejection(_)) => Err(ServerError::TooLarge(MAX_BODY)),
        Err(JsonRejection::MissingJsonContentType(_)) => Err(ServerError::UnsupportedMediaType(
            "send JSON with Content-Type: application/json".into(),
        )),
        Err(e) => Err(ServerError::BadRequest(format!(
            "the request body is not what this endpoint expects: {}",
            e.body_text()
        ))),
    }
}

async fn join(
    State(state): State<AppState>,
    body: Result<Json<JoinRequest>, JsonRejection>,
) -> Result<Response, ServerError> {
    let req = json_body(body)?;
    let joined: Joined = state
        .with_db({
            let now = state.now();
            move |conn| db::join(conn, &req.code, &req.device_name, &req.member_name, now)
        })
        .await?;
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
    }))
}

async fn sync(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ServerError> {
    let body = body.map_err(|_| ServerError::TooLarge(MAX_BODY))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type != "application/cbor" {
        return Err(ServerError::UnsupportedMediaType(
            "a sync request must be CBOR (Content-Type: application/cbor)".into(),
        ));
    }
    let device = device(&state, &headers).await?;
    let req: SyncRequest = decode(&body).map_err(|e| ServerError::BadRequest(e.to_string()))?;
    let limits = state.limits;
    let docs = Arc::clone(&state.docs);
    let now = state.now();
    let resp = state
        .with_db(move |conn| {
            let mut docs = docs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let tx = db::write_tx(conn)?;
            let resp = {
                let mut store =
                    TeamStore::new(&tx, &device.team, &device.id, now).with_cache(&mut docs);
                handle_sync(&mut store, &device.access, &req, limits).map_err(|e| match e {
                    HandleError::Protocol { .. } => ServerError::Protocol(e.to_string()),
                    HandleError::Store(inner) => inner,
                })?
            };
            tx.commit()?;
            Ok(resp)
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/cbor")], encode(&resp)).into_response())
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
        .with_db(move |conn| {
            db::invite(
                conn,
                &d.team,
                req.role,
                req.persons,
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
        state
            .with_db(move |conn| db::devices(conn, &d.team))
            .await?,
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
            move |conn| db::revoke(conn, &id, Some(&d.team), now)
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
            move |conn| db::erase(conn, &d.team, id, d.member, &req, now)
        })
        .await?;
    tracing::info!(record = %id, "record erased");
    Ok(StatusCode::NO_CONTENT)
}
