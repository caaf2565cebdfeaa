//! The record taken away: signed bundles (`bundle`), the key that signs them
//! (`signing`), what their snapshot holds (`snapshot`), checking one
//! offline (`verify`), the launch's data as JSON or CSV (`tables`), and its
//! report: gathered by `report`, laid out by `html` (with `svg` charts) and
//! `markdown`; and an exported record opened read-only for review (`review`).

pub mod bundle;
pub mod html;
pub mod markdown;
pub mod report;
pub mod review;
pub mod signing;
pub mod snapshot;
mod svg;
pub mod tables;
pub mod verify;

pub use bundle::{Checkpoint, Exported, export};
pub use verify::{BundleReport, Check, Trust, verify};
