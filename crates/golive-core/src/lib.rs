//! golive's core: the store, the plan, readiness, production health and the
//! audit trail.
//!
//! Nothing here knows about Tauri or the terminal: the desktop shell
//! (`src-tauri/`) and the `golive` command line both drive these functions,
//! and the tests drive them without either.

pub mod actor;
pub mod audit;
pub mod calendar;
pub mod contacts;
mod contentline;
pub mod deploy;
pub mod error;
pub mod escalation;
pub mod feedback;
pub mod health;
pub mod incidents;
pub mod launch;
pub mod logging;
mod numbering;
pub mod paths;
pub mod plan;
pub mod readiness;
pub mod record;
pub mod rehearsal;
pub mod risks;
pub mod rules;
pub mod secrets;
pub mod signoff;
pub mod store;
pub mod template_export;
mod textfile;
mod time;
pub mod training;
pub mod updates;
pub mod watch;

pub use actor::{Actor, Change};
pub use error::{Error, ErrorCode, Result};
pub use store::Store;
pub use time::{format_timestamp, parse_timestamp};
