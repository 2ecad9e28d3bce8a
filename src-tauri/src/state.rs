//! What the shell holds between commands: where the notebook lives, the
//! open notebook (shared with the background sync), and the sync loop.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use carnet_client::sync::background::{SyncLoop, SyncState};
use carnet_client::{ClientError, Environment, Notebook};

use crate::error::{UiError, UiResult};
use carnet_core::ErrorKind;

/// The shell's state, managed by Tauri.
#[derive(Debug)]
pub struct AppState {
    /// The data directory (the platform's, or `CARNET_DATA_DIR`).
    pub data_dir: PathBuf,
    notebook: Mutex<Option<Arc<Mutex<Notebook>>>>,
    sync: Mutex<Option<SyncLoop>>,
    /// Set by `cancel_export`; long work checks it between steps.
    cancel: AtomicBool,
    /// A notebook is there but not open: locked by the person or after a
    /// time without use, or waiting for its passphrase at start.
    locked: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    /// The state for `data_dir`, opening the notebook there if there is one.
    pub fn new(data_dir: PathBuf) -> UiResult<Self> {
        let state = Self {
            data_dir,
            notebook: Mutex::new(None),
            sync: Mutex::new(None),
            cancel: AtomicBool::new(false),
            locked: AtomicBool::new(false),
        };
        match Notebook::open(&state.data_dir, Environment::default()) {
            Ok(nb) => state.install(nb),
            Err(ClientError::NoNotebook(_)) => {}
            // The unlock screen asks for the passphrase, or says what the
            // secret store answered and offers to try again.
            Err(ClientError::Locked | ClientError::NoSecretStore(_)) => {
                state.locked.store(true, Ordering::SeqCst)
            }
            Err(e) => return Err(e.into()),
        }
        Ok(state)
    }

    /// Make `nb` the open notebook.
    pub fn install(&self, nb: Notebook) {
        *lock(&self.notebook) = Some(Arc::new(Mutex::new(nb)));
        self.locked.store(false, Ordering::SeqCst);
    }

    /// Whether a notebook is there but locked.
    pub fn locked(&self) -> bool {
        self.locked.load(Ordering::SeqCst)
    }

    /// Lock: stop the sync, write what the log holds into the database and
    /// close the notebook, so its key leaves this process's memory (work
    /// still holding the notebook, an export under way, lets go of it
    /// when it ends). The window has saved what was typed before.
    pub async fn lock(&self) -> UiResult<()> {
        let sync = lock(&self.sync).take();
        if let Some(sync) = sync {
            sync.stop().await;
        }
        let shared = lock(&self.notebook).take();
        if let Some(shared) = shared {
            self.locked.store(true, Ordering::SeqCst);
            let nb = lock(&shared);
            // Best effort: closing checkpoints too.
            let _ = nb.checkpoint();
        }
        Ok(())
    }

    /// The open notebook, shared.
    pub fn shared(&self) -> UiResult<Arc<Mutex<Notebook>>> {
        lock(&self.notebook).clone().ok_or_else(|| {
            UiError::new(
                ErrorKind::NoNotebook,
                "there is no notebook yet: start one, join a team or explore the demo",
            )
        })
    }

    /// Long work starts: no cancellation asked yet.
    pub fn start_long_work(&self) {
        self.cancel.store(false, Ordering::SeqCst);
    }

    /// Ask the long work under way to stop.
    pub fn cancel_long_work(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// Whether the long work under way was asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// Whether a notebook is open.
    pub fn has_notebook(&self) -> bool {
        lock(&self.notebook).is_some()
    }

    /// Run `f` on the open notebook.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Notebook) -> carnet_client::Result<T>,
    ) -> UiResult<T> {
        let shared = self.shared()?;
        let mut nb = lock(&shared);
        Ok(f(&mut nb)?)
    }

    /// Run `f` on the open notebook, then tell the sync loop an edit
    /// happened (it syncs soon, in the background).
    pub fn edit<T>(
        &self,
        f: impl FnOnce(&mut Notebook) -> carnet_client::Result<T>,
    ) -> UiResult<T> {
        let out = self.with(f)?;
        if let Some(sync) = lock(&self.sync).as_ref() {
            sync.edited();
        }
        Ok(out)
    }

    /// Start the background sync of the open notebook, once (must run on
    /// the async runtime). Returns the loop to watch, when newly started.
    pub fn start_sync(&self) -> UiResult<Option<SyncLoop>> {
        let mut slot = lock(&self.sync);
        if slot.is_some() {
            return Ok(None);
        }
        let started = SyncLoop::start(self.shared()?);
        *slot = Some(started.clone());
        Ok(Some(started))
    }

    /// The sync indicator's state.
    pub fn sync_state(&self) -> SyncState {
        lock(&self.sync)
            .as_ref()
            .map(SyncLoop::state)
            .unwrap_or(SyncState::Personal)
    }

    /// Ask the sync loop to sync now.
    pub fn sync_now(&self) {
        if let Some(sync) = lock(&self.sync).as_ref() {
            sync.sync_now();
        }
    }
}
