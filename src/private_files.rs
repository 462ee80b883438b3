//! Files that only their owner may read: the config (it holds SMTP, SMS and webhook secrets), drafts (incident
//! text before it is saved), exported reports and the log. Created 0600 in directories created 0700, with the
//! mode given at creation so there is no moment when another user could open them.

use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

const FILE_MODE: u32 = 0o600;
const DIR_MODE: u32 = 0o700;

/// Creates a directory (and its missing parents) readable by the owner only.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)
}

/// `NAME-UID` in the shared temporary directory, for when there is no home directory: created 0700, and refused when
/// it is not a directory of this user's alone (someone else made it first, or left a symlink by that name).
pub fn own_temp_dir(name: &str) -> std::io::Result<PathBuf> {
    // The owner of /proc/self is the process's effective user (Linux); elsewhere this fails and nothing is written.
    let uid = fs::metadata("/proc/self")?.uid();
    own_dir_in(&std::env::temp_dir(), &format!("{name}-{uid}"), uid)
}

fn own_dir_in(parent: &Path, name: &str, uid: u32) -> std::io::Result<PathBuf> {
    let dir = parent.join(name);
    match DirBuilder::new().mode(DIR_MODE).create(&dir) {
        Err(e) if e.kind() != ErrorKind::AlreadyExists => return Err(e),
        _ => {}
    }
    let found = fs::symlink_metadata(&dir)?;
    if !found.is_dir() || found.uid() != uid || found.mode() & 0o077 != 0 {
        return Err(std::io::Error::new(
            ErrorKind::PermissionDenied,
            format!("{} is not a private directory of this user", dir.display()),
        ));
    }
    Ok(dir)
}

/// Writes a whole file, readable by the owner only; an existing file is narrowed to that mode first.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
    let mut file = open(path, OpenOptions::new().write(true).create(true).truncate(true))?;
    file.write_all(contents.as_ref())
}

/// Makes sure a file exists with the owner-only mode, for writers that open it themselves (the log).
pub fn touch(path: &Path) -> std::io::Result<()> {
    open(path, OpenOptions::new().append(true).create(true)).map(drop)
}

fn open(path: &Path, options: &mut OpenOptions) -> std::io::Result<fs::File> {
    let file = options.mode(FILE_MODE).open(path)?;
    // The mode applies only when the file is created; one left by an earlier version is narrowed too.
    file.set_permissions(Permissions::from_mode(FILE_MODE))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_directories_are_the_owners_alone() {
        let root = std::env::temp_dir().join(format!("vakt-private-{}", std::process::id()));
        let dir = root.join("state").join("reports");
        create_dir(&dir).unwrap();
        let file = dir.join("secret.toml");
        fs::write(&file, "old").unwrap();
        fs::set_permissions(&file, Permissions::from_mode(0o644)).unwrap();
        write(&file, "password = \"x\"").unwrap();
        touch(&dir.join("vakt.log")).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode(&dir), mode(&root.join("state"))), (0o700, 0o700));
        assert_eq!((mode(&file), mode(&dir.join("vakt.log"))), (0o600, 0o600));
        assert_eq!(fs::read_to_string(&file).unwrap(), "password = \"x\"");
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_directory_of_ones_own_in_a_shared_place_is_refused_when_someone_else_could_have_made_it() {
        let shared = std::env::temp_dir().join(format!("vakt-shared-{}", std::process::id()));
        let _ = fs::remove_dir_all(&shared);
        fs::create_dir(&shared).unwrap();
        let uid = fs::metadata(&shared).unwrap().uid();
        let dir = own_dir_in(&shared, "vakt-me", uid).unwrap();
        assert_eq!(fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(own_dir_in(&shared, "vakt-me", uid).unwrap(), dir, "ours already: used again");
        // Someone else's (here: another uid), one open to others, and a symlink to elsewhere are all refused.
        assert!(own_dir_in(&shared, "vakt-me", uid + 1).is_err());
        fs::set_permissions(&dir, Permissions::from_mode(0o755)).unwrap();
        assert!(own_dir_in(&shared, "vakt-me", uid).is_err());
        std::os::unix::fs::symlink(&dir, shared.join("vakt-link")).unwrap();
        assert!(own_dir_in(&shared, "vakt-link", uid).is_err());
        fs::remove_dir_all(shared).unwrap();
    }

    #[test]
    fn config_init_writes_the_secrets_file_private() {
        let root = std::env::temp_dir().join(format!("vakt-private-config-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let path = root.join("vakt").join("config.toml");
        crate::config::init(&path, false).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode(&path), mode(&root.join("vakt")), mode(&root)), (0o600, 0o700, 0o700));
        fs::remove_dir_all(root).unwrap();
    }
}
