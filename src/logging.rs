//! The log's writer. Logging must never stop the app: a disk that is full,
//! slow or hung may lose log lines, never a keystroke. Each line goes
//! through a bounded channel to a thread that writes it; when the channel is
//! full the line is dropped and counted, and the count is written once the
//! writer catches up. The log is rotated by size ([`RotatingFile`]): past
//! [`LOG_CAP`] bytes it becomes `weya-tui.log.1` (replacing the one before)
//! and a new one starts, so the two never take more than about twice the
//! cap.
//!
//! Why this and not `tracing-appender` (decided for issue 18): its
//! `non_blocking` writer is lossy too, but it only counts what it drops
//! (the log never says that lines are missing, which
//! `lines_arrive_in_order_with_a_count_of_those_dropped` below demands),
//! and its guard waits a fixed second on the way out where ours waits
//! [`LossyWriter::flush_within`] the patience `main` gives. Its rolling
//! appender rotates by time (minutely to daily) and cannot cap the size: an
//! app that logs little would keep a file a day, and one that logs a lot
//! could still fill the disk in a day. It would also add crossbeam-channel
//! and `time`'s formatting to the build for the ~100 lines it would
//! replace; these ~100 lines are the whole cost.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use crate::config::Paths;

/// Lines waiting for the writer thread beyond which new ones are dropped.
pub const LOG_BACKLOG: usize = 1024;

/// The size past which the log is rotated: a few weeks of a busy
/// operator's `info` lines, a few minutes of `trace`.
pub const LOG_CAP: u64 = 8 * 1024 * 1024;

/// A log file that is rotated when it grows past its cap: it is renamed
/// to `<name>.1` (replacing the one before) and a new one is started. A
/// line is never split across the two. A failed rotation (a read-only
/// folder) carries on in the same file.
///
/// Another process logging at once (the TUI and a CLI command) goes on
/// writing to the file it opened, renamed or not, until it rotates itself:
/// no line is lost, though one may land in `.1`.
#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    file: File,
    /// Bytes in the file as this process knows it.
    len: u64,
    cap: u64,
}

impl RotatingFile {
    /// Opens `path` for appending, rotating it first if it is already past
    /// `cap` (a run that ended with a full log).
    pub fn open(path: &Path, cap: u64) -> io::Result<Self> {
        let file = Self::append_to(path)?;
        let len = file.metadata()?.len();
        let mut this = Self {
            path: path.to_path_buf(),
            file,
            len,
            cap,
        };
        if this.len >= cap {
            this.rotate();
        }
        Ok(this)
    }

    fn append_to(path: &Path) -> io::Result<File> {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    }

    /// The file that the one in use becomes.
    pub fn old_path(path: &Path) -> PathBuf {
        let mut name = path.as_os_str().to_owned();
        name.push(".1");
        PathBuf::from(name)
    }

    fn rotate(&mut self) {
        // Only a regular file is renamed: a log pointed at a device (a
        // test's /dev/full) is left where it is.
        let regular = std::fs::symlink_metadata(&self.path).is_ok_and(|m| m.is_file());
        if !regular || std::fs::rename(&self.path, Self::old_path(&self.path)).is_err() {
            return;
        }
        if let Ok(file) = Self::append_to(&self.path) {
            self.file = file;
            self.len = 0;
        }
    }
}

impl Write for RotatingFile {
    /// Takes `buf` as one line (the writer thread hands over whole lines).
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.len > 0 && self.len.saturating_add(buf.len() as u64) > self.cap {
            self.rotate();
        }
        self.file.write_all(buf)?;
        self.len = self.len.saturating_add(buf.len() as u64);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

enum Message {
    Line(Vec<u8>),
    /// Answer on this channel once everything before has been written.
    Flush(SyncSender<()>),
}

/// A log sink that never blocks the thread that logs. `&LossyWriter` is an
/// [`io::Write`], so `Arc<LossyWriter>` is a tracing `MakeWriter`.
#[derive(Debug)]
pub struct LossyWriter {
    lines: SyncSender<Message>,
    dropped: Arc<AtomicU64>,
}

impl LossyWriter {
    /// Starts the thread that writes to `sink`; up to `backlog` lines wait
    /// for it.
    pub fn spawn<W: Write + Send + 'static>(mut sink: W, backlog: usize) -> io::Result<Self> {
        let (lines, queue) = mpsc::sync_channel(backlog);
        let dropped = Arc::new(AtomicU64::new(0));
        let lost = Arc::clone(&dropped);
        std::thread::Builder::new()
            .name("weya-tui log".to_owned())
            .spawn(move || {
                for message in queue {
                    // A failed write (a full disk) loses that line; the
                    // writer carries on for when there is room again.
                    match message {
                        Message::Line(line) => {
                            let n = lost.swap(0, Ordering::Relaxed);
                            if n > 0 {
                                let _ = writeln!(
                                    sink,
                                    "({n} log lines dropped: the log could not keep up)"
                                );
                            }
                            let _ = sink.write_all(&line);
                        }
                        Message::Flush(done) => {
                            let _ = sink.flush();
                            let _ = done.send(());
                        }
                    }
                }
            })?;
        Ok(Self { lines, dropped })
    }

    /// Waits at most `patience` for the lines sent so far to be written;
    /// whether they were. For the way out, where a hung disk must not hold
    /// the exit.
    pub fn flush_within(&self, patience: Duration) -> bool {
        let deadline = Instant::now() + patience;
        let (done, finished) = mpsc::sync_channel(1);
        let mut flush = Message::Flush(done);
        // Waits for room in the channel, but no longer than allowed: the
        // channel has no send with a timeout.
        loop {
            match self.lines.try_send(flush) {
                Ok(()) => break,
                Err(TrySendError::Full(again)) if Instant::now() < deadline => {
                    flush = again;
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(_) => return false,
            }
        }
        finished
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .is_ok()
    }

    /// Lines dropped and not yet reported in the log.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl Write for &LossyWriter {
    /// Takes `buf` as one line (tracing writes each event whole) and never
    /// fails: a line that finds no room is counted and dropped.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.lines.try_send(Message::Line(buf.to_vec())) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The log file this run writes to.
#[derive(Debug)]
pub struct LogFile {
    pub path: PathBuf,
    /// To be flushed on the way out.
    pub writer: Arc<LossyWriter>,
}

/// Logs go to a file in the state dir, never to the screen the TUI owns.
/// `WEYA_LOG` sets the level (error, warn, info, debug, trace). The writer
/// drops lines rather than make anyone wait for the disk (see
/// [`LossyWriter`]) and rotates the file by size (see [`RotatingFile`]).
/// `None` when there is no file to log to: the run goes on without a log.
pub fn init(paths: &Paths) -> Option<LogFile> {
    std::fs::create_dir_all(&paths.state_dir).ok()?;
    let path = paths.log_file();
    let file = RotatingFile::open(&path, LOG_CAP).ok()?;
    let writer = Arc::new(LossyWriter::spawn(file, LOG_BACKLOG).ok()?);
    let level = std::env::var("WEYA_LOG")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt()
        .with_writer(Arc::clone(&writer))
        .with_ansi(false)
        .with_max_level(level)
        // Its complaints go to stderr, which is the TUI's screen.
        .log_internal_errors(false)
        .init();
    Some(LogFile { path, writer })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A sink that hangs (as a stuck disk does) until released.
    struct Stuck(Arc<Mutex<()>>);

    impl Write for Stuck {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            drop(self.0.lock().unwrap());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A sink on a full disk.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(28))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from_raw_os_error(28))
        }
    }

    #[test]
    fn a_hung_disk_drops_lines_instead_of_blocking_the_logger() {
        let gate = Arc::new(Mutex::new(()));
        let held = gate.lock().unwrap();
        let writer = LossyWriter::spawn(Stuck(Arc::clone(&gate)), 4).unwrap();
        let started = Instant::now();
        for _ in 0..100 {
            (&writer).write_all(b"line\n").unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "logging waited on the disk: {:?}",
            started.elapsed()
        );
        assert!(writer.dropped() >= 90, "{}", writer.dropped());
        assert!(
            !writer.flush_within(Duration::from_millis(50)),
            "the exit does not wait on a hung disk"
        );
        drop(held);
    }

    #[test]
    fn a_full_disk_loses_lines_without_an_error_or_a_wait() {
        let writer = LossyWriter::spawn(Full, 4).unwrap();
        for _ in 0..20 {
            (&writer).write_all(b"line\n").unwrap();
        }
        assert!(writer.flush_within(Duration::from_secs(5)));
    }

    #[test]
    fn a_log_past_its_cap_is_rotated_keeping_one_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("weya-tui.log");
        let old = RotatingFile::old_path(&path);
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        let mut log = RotatingFile::open(&path, 10).unwrap();
        log.write_all(b"one 5\n").unwrap();
        log.write_all(b"two\n").unwrap();
        assert_eq!(
            (read(&path).as_str(), old.exists()),
            ("one 5\ntwo\n", false)
        );
        // Past the cap: the line starts the new file, whole.
        log.write_all(b"three\n").unwrap();
        assert_eq!(read(&old), "one 5\ntwo\n");
        assert_eq!(read(&path), "three\n");
        // A line longer than the cap still goes in whole.
        log.write_all(b"a long line\n").unwrap();
        log.write_all(b"four\n").unwrap();
        assert_eq!(read(&old), "a long line\n", "one old file only");
        assert_eq!(read(&path), "four\n");
        drop(log);
        // A run that starts with the log past its cap rotates it first.
        std::fs::write(&path, "0123456789ab\n").unwrap();
        let mut log = RotatingFile::open(&path, 10).unwrap();
        log.write_all(b"new\n").unwrap();
        assert_eq!(read(&old), "0123456789ab\n");
        assert_eq!(read(&path), "new\n");
    }

    #[test]
    fn lines_arrive_in_order_with_a_count_of_those_dropped() {
        #[derive(Clone, Default)]
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let sink = Shared::default();
        let writer = LossyWriter::spawn(sink.clone(), 8).unwrap();
        (&writer).write_all(b"one\n").unwrap();
        (&writer).write_all(b"two\n").unwrap();
        assert!(writer.flush_within(Duration::from_secs(5)));
        writer.dropped.store(3, Ordering::Relaxed);
        (&writer).write_all(b"three\n").unwrap();
        assert!(writer.flush_within(Duration::from_secs(5)));
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            text,
            "one\ntwo\n(3 log lines dropped: the log could not keep up)\nthree\n"
        );
    }
}
