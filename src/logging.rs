//! The log's writer. Logging must never stop the app: a disk that is full,
//! slow or hung may lose log lines, never a keystroke. Each line goes
//! through a bounded channel to a thread that writes it; when the channel is
//! full the line is dropped and counted, and the count is written once the
//! writer catches up.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use crate::config::Paths;

/// Lines waiting for the writer thread beyond which new ones are dropped.
pub const LOG_BACKLOG: usize = 1024;

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
/// [`LossyWriter`]). `None` when there is no file to log to: the run goes
/// on without a log.
pub fn init(paths: &Paths) -> Option<LogFile> {
    std::fs::create_dir_all(&paths.state_dir).ok()?;
    let path = paths.log_file();
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
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
