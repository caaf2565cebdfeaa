//! golive's demo platform and test servers.
//!
//! - [`platform`]: a simulated production on 127.0.0.1 (`golive demo serve`).
//! - [`server`]: the small HTTP(S) server under it, which the health tests
//!   also use for endpoints that misbehave on purpose.
//! - [`certs`]: certificates generated on the spot, valid or broken in every
//!   way a health check must name.

pub mod certs;
pub mod platform;
pub mod server;
