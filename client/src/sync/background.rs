//! Keeping a shared notebook in sync in the background: soon after local
//! edits and every 30 seconds when the server is reachable, backing off
//! when it is not. The notebook is locked only to build a request and to
//! apply an answer, never while waiting on the network, so typing never
//! waits for sync.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{watch, Notify};

use super::engine::{record_outcome, rounds, server_client};
use crate::error::{ClientError, Result};
use crate::notebook::Notebook;

/// How often to sync when nothing happens.
pub const PERIOD: Duration = Duration::from_secs(30);
/// How long after an edit to sync (edits in a burst share one sync).
pub const AFTER_EDIT: Duration = Duration::from_secs(2);
/// The longest wait between attempts while offline.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// What the sync indicator shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum SyncState {
    /// Not joined to a team.
    Personal,
    /// A sync is running.
    Syncing {
        /// Records received so far.
        received: usize,
        /// Bytes received so far.
        bytes: usize,
    },
    /// The last sync succeeded.
    Synced {
        /// When (ms since epoch).
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        at: i64,
    },
    /// The server could not be reached; retrying later.
    Offline {
        /// Why.
        reason: String,
    },
    /// The server refused this device (revoked, unknown) or another error.
    Failed {
        /// What went wrong.
        kind: carnet_core::ErrorKind,
        /// For people.
        message: String,
    },
}

/// A handle on the background sync of a shared notebook.
#[derive(Debug, Clone)]
pub struct SyncLoop {
    wake: Arc<Notify>,
    now: Arc<Notify>,
    state: watch::Receiver<SyncState>,
    task: Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
}

impl SyncLoop {
    /// Start syncing `nb` in the background on the current tokio runtime.
    pub fn start(nb: Arc<Mutex<Notebook>>) -> Self {
        let (wake, now) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let (tx, rx) = watch::channel(SyncState::Personal);
        let task = tokio::spawn(run(nb, Arc::clone(&wake), Arc::clone(&now), tx));
        Self {
            wake,
            now,
            state: rx,
            task: Arc::new(std::sync::Mutex::new(Some(task))),
        }
    }

    /// Stop syncing, and wait until the loop has let go of the notebook
    /// (when the app locks). A round cut short is safe: the protocol
    /// picks up from what was stored.
    pub async fn stop(&self) {
        let task = self.task.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
    }

    /// Local edits happened: sync soon.
    pub fn edited(&self) {
        self.wake.notify_one();
    }

    /// Sync now (the person asked for it), without the edit delay.
    pub fn sync_now(&self) {
        self.now.notify_one();
    }

    /// The current state, for the indicator.
    pub fn state(&self) -> SyncState {
        self.state.borrow().clone()
    }

    /// Wait for the next change of state (`None` once the loop stopped).
    pub async fn changed(&mut self) -> Option<SyncState> {
        self.state.changed().await.ok()?;
        Some(self.state.borrow().clone())
    }
}

/// A failure to note the outcome must not stop the loop; the next round
/// records it again.
fn report_unrecorded(e: &ClientError) {
    eprintln!("carnet: could not record the sync outcome: {e}");
}

fn lock(nb: &Mutex<Notebook>) -> std::sync::MutexGuard<'_, Notebook> {
    nb.lock().unwrap_or_else(|p| p.into_inner())
}

/// One sync until quiet, locking the notebook only around local work.
pub async fn sync_shared(nb: &Mutex<Notebook>, state: &watch::Sender<SyncState>) -> Result<()> {
    let client = server_client(&lock(nb))?;
    rounds(&mut &*nb, &client, |p| {
        let _ = state.send(SyncState::Syncing {
            received: p.received,
            bytes: p.bytes_received,
        });
    })
    .await
    .map(|_| ())
}

async fn run(
    nb: Arc<Mutex<Notebook>>,
    wake: Arc<Notify>,
    now: Arc<Notify>,
    state: watch::Sender<SyncState>,
) {
    let mut backoff = Duration::from_secs(5);
    loop {
        let joined = lock(&nb).store().is_joined().unwrap_or(false);
        let wait = if !joined {
            let _ = state.send(SyncState::Personal);
            PERIOD
        } else {
            let _ = state.send(SyncState::Syncing {
                received: 0,
                bytes: 0,
            });
            let outcome = sync_shared(&nb, &state).await;
            if let Err(e) = record_outcome(&mut lock(&nb), outcome.as_ref().map(|_| ())) {
                report_unrecorded(&e);
            }
            match outcome {
                Ok(()) => {
                    backoff = Duration::from_secs(5);
                    let at = lock(&nb).now().as_millis();
                    let _ = state.send(SyncState::Synced { at });
                    PERIOD
                }
                Err(ClientError::Offline { reason, .. }) => {
                    let _ = state.send(SyncState::Offline { reason });
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    backoff
                }
                Err(e) => {
                    let _ = state.send(SyncState::Failed {
                        kind: e.kind(),
                        message: e.to_string(),
                    });
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    backoff
                }
            }
        };
        // Records the coordinator erased leave no trace in the files; what
        // a sync wrote in batches goes from the log to the notebook's file
        // now that nobody waits for it.
        if let Err(e) = lock(&nb).scrub() {
            eprintln!("carnet: could not scrub the notebook after an erasure: {e}");
        }
        if let Err(e) = lock(&nb).checkpoint() {
            eprintln!("carnet: could not checkpoint the notebook: {e}");
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = wake.notified() => tokio::time::sleep(AFTER_EDIT).await,
            _ = now.notified() => {}
        }
    }
}
