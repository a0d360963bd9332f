//! The spare tree: the output folder a build replaced, kept beside the new one as
//! `.NAME.fangpian-spare` and taken as the next build's staging folder instead of being deleted.
//!
//! Most files of a rebuild are the files of the site it replaces, hard-linked (see [`crate::reuse`]).
//! Building into an empty folder made every one of them again (a folder and a link each) and then
//! deleted the replaced site file by file: at 10,000 pages ~47,000 entries made and as many removed,
//! a third of a rebuild after a one-page edit. The spare tree is the site before the previous one:
//! every file that did not change since is already the published file (the same inode), so it stays
//! where it is. Nothing in the spare tree is trusted by its content: a file is kept only when it is
//! the very file the record names in the published site; everything else is written afresh over it
//! (unlinked first, never written through), and what this build does not make is swept away before
//! the swap. So the published result is the same as a build into an empty folder.
//!
//! The spare tree is walked once when it is taken: anything in it that is not a plain file or folder
//! (a symbolic link someone put there) is removed, so no write can be led outside it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// What a taken spare tree held: its files and folders, relative, joined by `/`.
#[derive(Default)]
pub(super) struct Listing {
    files: Vec<String>,
    dirs: Vec<String>,
}

/// Take the spare tree `spare` as the staging folder `dir`. `None` (and nothing moved) when there
/// is no spare tree; something other than a real folder under that name is removed, never
/// followed.
pub(super) fn adopt(spare: &Path, dir: &Path) -> Option<Listing> {
    let meta = std::fs::symlink_metadata(spare).ok()?;
    if !meta.is_dir() {
        let _ = std::fs::remove_file(spare);
        return None;
    }
    std::fs::rename(spare, dir).ok()?;
    Some(walk(dir, ""))
}

/// Keep the replaced tree `old` as the spare tree. False when it cannot be renamed (then the
/// caller deletes it).
pub(super) fn keep(old: &Path, spare: &Path) -> bool {
    std::fs::symlink_metadata(spare).is_err() && std::fs::rename(old, spare).is_ok()
}

/// The files and folders under `dir` (named relative to the tree's root as `rel/…`), folders in
/// parallel. Entries that are neither plain files nor folders, and names that are not UTF-8 (no
/// build writes either), are removed.
fn walk(dir: &Path, rel: &str) -> Listing {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Listing::default();
    };
    let mut here = Listing::default();
    let mut folders = Vec::new();
    for e in entries.flatten() {
        let kind = e.file_type().ok();
        let name = e.file_name().into_string().ok();
        let Some((kind, name)) = kind.zip(name) else {
            let _ = super::make_room(&e.path());
            continue;
        };
        let r = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if kind.is_dir() {
            folders.push((e.path(), r));
        } else if kind.is_file() {
            here.files.push(r);
        } else {
            let _ = super::make_room(&e.path());
        }
    }
    let below: Vec<Listing> = folders.par_iter().map(|(p, r)| walk(p, r)).collect();
    for l in below {
        here.files.extend(l.files);
        here.dirs.extend(l.dirs);
    }
    here.dirs.extend(folders.into_iter().map(|(_, r)| r));
    here
}

/// Remove from `dir` everything the spare tree held that this build did not write (`written`,
/// normalised relative paths): stale files, then the folders left empty, deepest first.
pub(super) fn sweep(dir: &Path, listing: &Listing, written_list: &[String]) {
    let written: HashSet<&str> = written_list.iter().map(String::as_str).collect();
    listing
        .files
        .par_iter()
        .filter(|f| !written.contains(f.as_str()))
        .for_each(|f| {
            let _ = std::fs::remove_file(dir.join(f));
        });
    let needed = super::folders_of(written_list);
    let stale: Vec<(usize, PathBuf)> = listing
        .dirs
        .iter()
        .filter(|d| !needed.contains(d.as_str()))
        .map(|d| (d.matches('/').count(), dir.join(d)))
        .collect();
    super::remove_dirs_deepest_first(stale);
}

/// Make room for the folder `dir/rel` in a taken spare tree: a file where one of its folders
/// should be is removed. (After [`adopt`] the tree holds no links, only files and folders.)
pub(super) fn clear_way(dir: &Path, rel: &str) {
    let mut p = dir.to_path_buf();
    for seg in rel.split('/') {
        p.push(seg);
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_dir() => continue,
            Ok(_) => {
                let _ = std::fs::remove_file(&p);
                return;
            }
            Err(_) => return,
        }
    }
}
