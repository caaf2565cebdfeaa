//! The record taken away: signed bundles (`bundle`), the key that signs them
//! (`signing`), what their snapshot holds (`snapshot`), checking one
//! offline (`verify`), and the launch's data as JSON or CSV (`tables`).

pub mod bundle;
pub mod signing;
pub mod snapshot;
pub mod tables;
pub mod verify;

pub use bundle::{Checkpoint, Exported, export};
pub use verify::{BundleReport, Check, Trust, verify};
