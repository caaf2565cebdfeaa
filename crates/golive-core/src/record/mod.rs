//! The record taken away: signed bundles (`bundle`), the key that signs them
//! (`signing`), what their snapshot holds (`snapshot`), and checking one
//! offline (`verify`).

pub mod bundle;
pub mod signing;
pub mod snapshot;
pub mod verify;

pub use bundle::{Checkpoint, Exported, export};
pub use verify::{BundleReport, Check, Trust, verify};
