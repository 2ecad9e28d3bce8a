//! carnet-desktop: the Tauri 2 shell of Carnet. Thin: [`commands`] turn
//! IPC calls into calls of the client API (`carnet_client::Notebook`);
//! [`state`] holds the open notebook and its background sync; [`prefs`]
//! the window's preferences; [`bindings`] generates the TypeScript
//! contract the UI (`ui/`) compiles against.

pub mod bindings;
pub mod commands;
pub mod error;
pub mod prefs;
pub mod state;
pub mod vocab;

use std::path::PathBuf;

use tauri::Manager;

/// Where the notebook lives: `CARNET_DATA_DIR`, else the platform's data
/// directory for Carnet.
fn data_dir(app: &tauri::App) -> PathBuf {
    if let Some(dir) = std::env::var_os("CARNET_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    app.path()
        .app_data_dir()
        .unwrap_or_else(|_| PathBuf::from("carnet-data"))
}

/// Run the window.
pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            let dir = data_dir(app);
            let state = state::AppState::new(dir).map_err(|e| e.message)?;
            if state.has_notebook() {
                // The sync loop spawns its tasks on Tauri's async runtime.
                tauri::async_runtime::block_on(async {
                    commands::start_sync(app.handle(), &state)
                })
                .map_err(|e| e.message)?;
            }
            app.manage(state);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("carnet: the window could not start: {e}");
        std::process::exit(1);
    }
}
