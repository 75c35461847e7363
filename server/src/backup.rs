//! `rondo backup --to FILE`: a copy of the SQLite database taken while the
//! server runs, with SQLite's online backup API.
//!
//! The whole database is copied in one step, inside one read transaction,
//! so the copy is the database as of one commit: every flush the server had
//! acknowledged when the step began is in it, and none half. (Copying in
//! several steps would start over at each of the server's commits, and a
//! busy server commits every few milliseconds.) Its rows stay sealed as they
//! are; the data key is not read and not copied: keep it apart from the
//! backups. The copy is written beside its destination and renamed into
//! place once synced, so a backup cut short never looks like a backup.
//! Restoring is serving the copy (`rondo serve --db FILE`) with the same key.

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a busy database is waited for before the step is tried again.
const BUSY_RETRY: Duration = Duration::from_millis(20);
/// Tries of the one step while the server's writer holds its lock.
const STEP_ATTEMPTS_MAX: usize = 500;

/// What went wrong, for the operator: paths, never contents.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("no database at {0}")]
    Missing(String),
    #[error("{0} exists already: back up to a new file")]
    Exists(String),
    #[error("the database stayed busy: try again")]
    Busy,
    #[error("the copy is not sound: {0}")]
    Unsound(String),
    #[error("writing the copy: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Copies the database at `db` to `to`; answers the copy's size in bytes.
pub fn backup(db: &Path, to: &Path) -> Result<u64, BackupError> {
    if !db.exists() {
        return Err(BackupError::Missing(db.display().to_string()));
    }
    if to.exists() {
        return Err(BackupError::Exists(to.display().to_string()));
    }
    let partial = partial_path(to);
    let _ = std::fs::remove_file(&partial);
    let copied = copy(db, &partial).and_then(|()| check(&partial));
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, to)?;
    if let Some(folder) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        // The rename itself made durable.
        std::fs::File::open(folder)?.sync_all()?;
    }
    Ok(std::fs::metadata(to)?.len())
}

fn partial_path(to: &Path) -> PathBuf {
    let mut name = to.as_os_str().to_owned();
    name.push(".partial");
    name.into()
}

fn copy(db: &Path, partial: &Path) -> Result<(), BackupError> {
    // Read-only: the backup never writes to the server's database (the WAL
    // and its index are shared, as with any reader).
    let source = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    source.busy_timeout(Duration::from_secs(5))?;
    let mut copy = Connection::open(partial)?;
    let backup = Backup::new(&source, &mut copy)?;
    for _ in 0..STEP_ATTEMPTS_MAX {
        // -1: every page in one step, so one read transaction covers all.
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                std::thread::sleep(BUSY_RETRY)
            }
            _ => std::thread::sleep(BUSY_RETRY),
        }
    }
    Err(BackupError::Busy)
}

/// The copy opens and SQLite finds it whole.
fn check(partial: &Path) -> Result<(), BackupError> {
    let copy = Connection::open(partial)?;
    let verdict: String = copy.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    if verdict != "ok" {
        return Err(BackupError::Unsound(verdict));
    }
    Ok(())
}
