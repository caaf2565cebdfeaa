//! The app's one state, built whole before the window opens.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use golive_core::record::review::{self, Review, ReviewCopy, ReviewInfo};
use golive_core::record::{Trust, signing};
use golive_core::store::OpenMode;
use golive_core::{Actor, Change, Store, actor};

use crate::CommandError;

pub struct AppState {
    pub store_path: PathBuf,
    pub user: String,
    /// The store, or why it could not be opened; the UI shows the reason.
    store: Result<Arc<Mutex<Store>>, CommandError>,
    /// Set when the window shows an exported record for review.
    pub review: Option<ReviewInfo>,
    /// The review's copy, removed when the app ends (after the store).
    _review_copy: Option<ReviewCopy>,
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
            review: None,
            _review_copy: None,
        }
    }

    /// Opens the exported record `bundle` for review, read-only. The key
    /// of the store at `own_store` (this machine's) is trusted as a signer.
    pub fn open_record(bundle: &Path, own_store: &Path) -> AppState {
        let mut trust = Trust::default();
        if let Some(own) = signing::fingerprint_of_store(own_store) {
            trust = trust.key(&own, "the signing key of this machine's store");
        }
        let user = Actor::os_user();
        match review::open(bundle, &trust) {
            Ok(Review { store, info, copy }) => AppState {
                store_path: store.path().to_path_buf(),
                user,
                store: Ok(Arc::new(Mutex::new(store))),
                review: Some(info),
                _review_copy: Some(copy),
            },
            Err(error) => AppState {
                store_path: bundle.to_path_buf(),
                user,
                store: Err(CommandError::from(error)),
                review: None,
                _review_copy: None,
            },
        }
    }

    /// Refuses what would change anything while a record is reviewed, for
    /// work that does not go through the store's audited writes (runs,
    /// copies of the store, signing).
    pub fn writable(&self) -> Result<(), CommandError> {
        match &self.review {
            Some(review) => Err(CommandError::from(golive_core::Error::Conflict(
                review::refusal(&review.launch_name),
            ))),
            None => Ok(()),
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
