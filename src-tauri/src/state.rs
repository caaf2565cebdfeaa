//! The app's one state, built whole before the window opens.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use golive_core::store::OpenMode;
use golive_core::{Actor, Change, Store, actor};

use crate::CommandError;

pub struct AppState {
    pub store_path: PathBuf,
    pub user: String,
    /// The store, or why it could not be opened; the UI shows the reason.
    store: Result<Arc<Mutex<Store>>, CommandError>,
}

impl AppState {
    pub fn open(store_path: PathBuf) -> AppState {
        let store = Store::open(&store_path, OpenMode::CreateIfMissing)
            .map(|store| Arc::new(Mutex::new(store)))
            .map_err(CommandError::from);
        AppState {
            store_path,
            user: Actor::os_user(),
            store,
        }
    }

    /// The open store, if it could be opened.
    pub fn store(&self) -> Option<Arc<Mutex<Store>>> {
        self.store.as_ref().ok().cloned()
    }

    /// Runs `body` with the store on the blocking pool, never on a runtime
    /// worker or the UI thread.
    pub async fn with_store<T: Send + 'static>(
        &self,
        body: impl FnOnce(&mut Store, &str) -> golive_core::Result<T> + Send + 'static,
    ) -> Result<T, CommandError> {
        let store = self.store.clone()?;
        let user = self.user.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut store = store.lock().map_err(|_| {
                CommandError::internal(
                    "the store lock was poisoned by an earlier failure; restart golive",
                )
            })?;
            body(&mut store, &user).map_err(CommandError::from)
        })
        .await
        .map_err(|e| CommandError::internal(format!("a background task failed: {e}")))?
    }
}

/// The change made now by the person using the app.
pub fn change_now(store: &Store, user: &str) -> golive_core::Result<Change> {
    Ok(Change::new(
        actor::load(store, user)?,
        jiff::Timestamp::now(),
    ))
}
