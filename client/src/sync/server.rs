//! The HTTP client of a team server (reqwest with rustls). Sync rounds
//! travel as CBOR; account calls as JSON; errors come back as the
//! server's `{kind, message}` and become [`ClientError::Server`], and a
//! server that cannot be reached becomes [`ClientError::Offline`].

use std::time::Duration;

use carnet_core::sync::api::{
    paths, EraseRequest, ErrorBody, Invitation, InviteRequest, JoinRequest, Joined,
};
use carnet_core::sync::protocol::{decode, encode};
pub use carnet_core::sync::DeviceInfo;
use carnet_core::sync::{Role, SyncRequest, SyncResponse};
use carnet_core::{DeviceId, RecordId};
use serde::de::DeserializeOwned;

use super::tls;
use crate::error::{ClientError, Result};

/// A connection to one team server.
#[derive(Debug, Clone)]
pub struct ServerClient {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl ServerClient {
    /// A client of the server at `base` (e.g. `https://carnet.example.org`),
    /// trusting the system's roots plus `extra_root_pem` if given.
    pub fn new(base: &str, token: Option<String>, extra_root_pem: Option<&[u8]>) -> Result<Self> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let base = base.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::BadInput(format!(
                "'{base}' is not a server address; it should look like https://carnet.example.org"
            )));
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(300))
            .user_agent(concat!("carnet/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = extra_root_pem {
            let given =
                tls::certificates(pem).map_err(|e| ClientError::Untrusted(e.to_string()))?;
            builder = builder.use_preconfigured_tls(tls::config(given)?);
        }
        let http = builder
            .build()
            .map_err(|e| ClientError::Internal(format!("could not set up the connection: {e}")))?;
        Ok(Self { http, base, token })
    }

    /// The server's address.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn offline(&self, e: reqwest::Error) -> ClientError {
        if let Some(said) = tls::explain(&e, &self.base) {
            return ClientError::Untrusted(said);
        }
        let reason = if e.is_timeout() {
            "it did not answer in time".to_string()
        } else if e.is_connect() {
            "the connection was refused or there is no network".to_string()
        } else {
            e.to_string()
        };
        ClientError::Offline {
            server: self.base.clone(),
            reason,
        }
    }

    fn authed(&self, req: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder> {
        let token = self.token.as_deref().ok_or(ClientError::NotJoined)?;
        Ok(req.bearer_auth(token))
    }

    async fn check(&self, resp: reqwest::Response) -> Result<reqwest::Response> {
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let bytes = resp.bytes().await.map_err(|e| self.offline(e))?;
        Err(match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(b) => ClientError::Server { status: status.as_u16(), kind: b.kind, message: b.message },
            // A load balancer or proxy before the server says it cannot
            // reach it: as good as offline, tried again later.
            Err(_) if [502, 503, 504].contains(&status.as_u16()) => ClientError::Offline {
                server: self.base.clone(),
                reason: format!("it answered {status}: the server behind it does not answer"),
            },
            Err(_) => ClientError::BadAnswer(format!(
                "the server answered {status} in a way Carnet does not understand; is {} a Carnet server?",
                self.base
            )),
        })
    }

    async fn json<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T> {
        let resp = req.send().await.map_err(|e| self.offline(e))?;
        let resp = self.check(resp).await?;
        let bytes = resp.bytes().await.map_err(|e| self.offline(e))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            ClientError::BadAnswer(format!("the server's answer could not be read: {e}"))
        })
    }

    /// Join with an invitation code.
    pub async fn join(&self, code: &str, device_name: &str, member_name: &str) -> Result<Joined> {
        let body = JoinRequest {
            code: code.to_string(),
            device_name: device_name.to_string(),
            member_name: member_name.to_string(),
        };
        self.json(self.http.post(self.url(paths::JOIN)).json(&body))
            .await
    }

    /// One sync round. Returns the answer and the bytes sent and received.
    pub async fn sync(&self, req: &SyncRequest) -> Result<(SyncResponse, usize, usize)> {
        let body = encode(req);
        let sent = body.len();
        let builder = self
            .authed(self.http.post(self.url(paths::SYNC)))?
            .header(reqwest::header::CONTENT_TYPE, "application/cbor")
            .body(body);
        let resp = builder.send().await.map_err(|e| self.offline(e))?;
        let resp = self.check(resp).await?;
        let bytes = resp.bytes().await.map_err(|e| self.offline(e))?;
        let answer = decode(&bytes).map_err(|e| {
            ClientError::BadAnswer(format!("the server's sync answer could not be read: {e}"))
        })?;
        Ok((answer, sent, bytes.len()))
    }

    /// Create an invitation (coordinators).
    pub async fn invite(
        &self,
        role: Role,
        persons: bool,
        organisation: Option<RecordId>,
        expires_hours: Option<i64>,
    ) -> Result<String> {
        let body = InviteRequest {
            role,
            persons,
            expires_hours,
            organisation,
        };
        let invitation: Invitation = self
            .json(
                self.authed(self.http.post(self.url(paths::INVITATIONS)))?
                    .json(&body),
            )
            .await?;
        Ok(invitation.code)
    }

    /// The team's devices (coordinators).
    pub async fn devices(&self) -> Result<Vec<DeviceInfo>> {
        self.json(self.authed(self.http.get(self.url(paths::DEVICES)))?)
            .await
    }

    /// Revoke a device (coordinators).
    pub async fn revoke(&self, device: DeviceId) -> Result<()> {
        let resp = self
            .authed(self.http.post(self.url(&paths::revoke(device))))?
            .send()
            .await
            .map_err(|e| self.offline(e))?;
        self.check(resp).await.map(|_| ())
    }

    /// Erase a record everywhere (coordinators).
    pub async fn erase(&self, id: RecordId, reason: &str) -> Result<()> {
        let body = EraseRequest::new(reason).map_err(|e| ClientError::BadInput(e.to_string()))?;
        let resp = self
            .authed(self.http.post(self.url(&paths::erase(id))))?
            .json(&body)
            .send()
            .await
            .map_err(|e| self.offline(e))?;
        self.check(resp).await.map(|_| ())
    }
}
