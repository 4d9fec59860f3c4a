//! The views of the app.

pub mod create;
