//! What weya-tui keeps on disk, under the XDG directories. Nothing here is
//! called from the UI loop: effects run it on blocking threads, and `main`
//! reads what the app starts with before the UI starts.

pub mod journal;
