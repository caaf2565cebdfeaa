//! Where a store may live: not on a network filesystem. SQLite's locks, and
//! the shared memory of its WAL, do not hold over NFS, SMB and the like, so
//! two machines (or one machine and a stale lock) could corrupt the store
//! without either noticing. The store refuses such a folder when it opens.

use std::path::Path;

/// The network filesystem `folder` is on (its type, e.g. `nfs4`), if any.
pub fn network_filesystem(folder: &Path) -> Option<String> {
    let folder = folder.canonicalize().ok()?;
    network_filesystem_of(&folder)
}

#[cfg(target_os = "linux")]
fn network_filesystem_of(folder: &Path) -> Option<String> {
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    filesystem_in_mountinfo(&mounts, folder).filter(|fs| is_network(fs))
}

#[cfg(target_os = "macos")]
fn network_filesystem_of(folder: &Path) -> Option<String> {
    let stats = nix::sys::statfs::statfs(folder).ok()?;
    let name = stats.filesystem_type_name().to_string();
    is_network(&name).then_some(name)
}

/// A UNC path (`\\server\share\…`) is a network share; a mapped drive
/// letter is not recognised (that needs `GetDriveTypeW`, and the workspace
/// has no unsafe code).
#[cfg(windows)]
fn network_filesystem_of(folder: &Path) -> Option<String> {
    use std::path::{Component, Prefix};
    match folder.components().next() {
        Some(Component::Prefix(p))
            if matches!(p.kind(), Prefix::UNC(..) | Prefix::VerbatimUNC(..)) =>
        {
            Some("a network share (UNC path)".into())
        }
        _ => None,
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn network_filesystem_of(_folder: &Path) -> Option<String> {
    None
}

/// Filesystem types that are another machine's disk.
pub fn is_network(fstype: &str) -> bool {
    const NETWORK: &[&str] = &[
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "smb",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gfs2",
        "ocfs2",
        "coda",
        "davfs",
        "afpfs",
        "webdav",
    ];
    // FUSE filesystems carry their program: fuse.sshfs, fuse.rclone, …
    const NETWORK_FUSE: &[&str] = &[
        "sshfs",
        "rclone",
        "s3fs",
        "gcsfuse",
        "glusterfs",
        "davfs2",
        "cephfs",
        "smbnetfs",
    ];
    let fstype = fstype.to_ascii_lowercase();
    match fstype.strip_prefix("fuse.") {
        Some(program) => NETWORK_FUSE.contains(&program),
        None => NETWORK.contains(&fstype.as_str()),
    }
}

/// The type of the filesystem mounted at the longest mount point holding
/// `path`, read from `/proc/self/mountinfo` text (the last of equal mount
/// points wins: it is mounted over the others).
fn filesystem_in_mountinfo(mountinfo: &str, path: &Path) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(point) = fields.get(4).map(|p| unescape(p)) else {
            continue;
        };
        let Some(fstype) = fields
            .iter()
            .position(|f| *f == "-")
            .and_then(|dash| fields.get(dash + 1))
        else {
            continue;
        };
        let point = Path::new(&point);
        if path.starts_with(point) {
            let depth = point.components().count();
            if best.as_ref().is_none_or(|(d, _)| depth >= *d) {
                best = Some((depth, fstype.to_string()));
            }
        }
    }
    best.map(|(_, fstype)| fstype)
}

/// mountinfo writes space, tab, newline and backslash as `\040`-style octal.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && let Some(octal) = field.get(i + 1..i + 4)
            && let Ok(byte) = u8::from_str_radix(octal, 8)
        {
            out.push(byte);
            i += 4;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 0:40 / /home rw,relatime shared:2 - ext4 /dev/sda2 rw
41 30 0:52 / /home/ana/shared rw,relatime shared:20 - nfs4 files:/export/ana rw,vers=4.2
42 30 0:53 / /home/ana/My\\040Drive rw,nosuid shared:21 - fuse.rclone drive: rw
43 22 0:54 / /mnt/team rw,relatime shared:22 - cifs //nas/team rw
44 41 0:55 / /home/ana/shared/local rw,relatime shared:23 - ext4 /dev/sdb1 rw
45 22 0:56 / /mnt/team rw,relatime shared:24 - tmpfs tmpfs rw
";

    fn fs_of(path: &str) -> Option<String> {
        filesystem_in_mountinfo(MOUNTINFO, Path::new(path))
    }

    #[test]
    fn the_mount_holding_a_folder_is_the_longest_mount_point_over_it() {
        assert_eq!(fs_of("/home/ana/launches").as_deref(), Some("ext4"));
        assert_eq!(fs_of("/home/ana/shared/golive").as_deref(), Some("nfs4"));
        // A local disk mounted inside the share is local.
        assert_eq!(fs_of("/home/ana/shared/local/x").as_deref(), Some("ext4"));
        assert_eq!(
            fs_of("/home/ana/My Drive/golive").as_deref(),
            Some("fuse.rclone")
        );
        // /mnt/team was mounted over: the last mount there wins.
        assert_eq!(fs_of("/mnt/team").as_deref(), Some("tmpfs"));
        // A mount point is a whole component: /home/ana/shared2 is not in the share.
        assert_eq!(fs_of("/home/ana/shared2").as_deref(), Some("ext4"));
        assert_eq!(fs_of("/").as_deref(), Some("ext4"));
    }

    #[test]
    fn network_filesystems_are_told_from_local_ones() {
        for fs in [
            "nfs",
            "nfs4",
            "cifs",
            "smb3",
            "9p",
            "fuse.sshfs",
            "fuse.rclone",
            "NFS4",
        ] {
            assert!(is_network(fs), "{fs}");
        }
        for fs in [
            "ext4",
            "btrfs",
            "xfs",
            "tmpfs",
            "overlay",
            "apfs",
            "fuse.gocryptfs",
            "fuse",
        ] {
            assert!(!is_network(fs), "{fs}");
        }
    }

    #[test]
    fn this_machines_temporary_folder_is_local() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(network_filesystem(dir.path()), None);
    }
}
