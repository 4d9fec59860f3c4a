//! The words a call's last status is kept under when Weya gave none: a
//! leaf that the outcomes count and the sorted calls both read, so
//! neither needs the other for them.

/// The key of the calls not attempted yet (no `phoneLogs`): words no
/// status Weya writes looks like.
pub const NOT_CALLED: &str = "not called yet";
/// The key of the calls whose latest attempt carries no status.
pub const NO_STATUS: &str = "(no status)";
