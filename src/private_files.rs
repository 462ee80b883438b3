//! Files that only their owner may read: the config (it holds SMTP, SMS and webhook secrets), drafts (incident
//! text before it is saved), exported reports and the log. Created 0600 in directories created 0700, with the
//! mode given at creation so there is no moment when another user could open them.

use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

const FILE_MODE: u32 = 0o600;
const DIR_MODE: u32 = 0o700;

/// Creates a directory (and its missing parents) readable by the owner only.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)
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
}
