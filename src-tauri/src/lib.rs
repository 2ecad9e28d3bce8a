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
    // WebKitGTK's DMA-BUF renderer falls back to a slow path without a GPU
    // (virtual displays, many small laptops): each keystroke in a long note
    // took 65 ms to reach the screen instead of 24 ms (see the desktop
    // benchmark). Its shared-memory renderer is used unless the user chose.
    // (Set before any thread exists; WebKit reads it when it starts.)
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
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
