//! Atomic output under faults: builds killed with SIGKILL at random moments leave the output folder
//! either the complete previous site or the complete new one, and the next successful build removes
//! every temporary folder.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

/// A site big enough that a build takes a while, in one of two versions.
fn site(root: &Path, version: &str) {
    site_of(root, version, 400);
}

/// The site with `cases` case pages. The versions differ in every other case (its title and text),
/// so a build of the other version renders those and the lists, and reuses the rest of the pages
/// from the previous output: the kills land in rebuilds that reuse files, as a writer's do.
fn site_of(root: &Path, version: &str, cases: usize) {
    small_site(root);
    write(
        root,
        "site.toml",
        "title = \"测试站点\"\nbase_url = \"https://test.example.org\"\n",
    );
    for i in 0..cases {
        let v = if i % 2 == 0 { version } else { "" };
        write(
            root,
            &format!("content/cases/c{i:04}.md"),
            &format!(
                "+++\ntitle = \"案例 {i} 版本 {v}\"\ndate = 2026-01-01\ntags = [\"t{}\"]\n+++\n\n{}{v}\n",
                i % 7,
                "这是正文。".repeat(60)
            ),
        );
    }
}

/// A tiny deterministic PRNG so the test needs no extra crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn killed_builds_never_leave_a_half_written_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = root.join("public");
    let build = |version: &str| -> BTreeMap<String, Vec<u8>> {
        site(&root, version);
        let o = run_in(&root, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        tree(&out)
    };
    let snapshot_a = build("A");
    let snapshot_b = build("B");
    assert_ne!(snapshot_a, snapshot_b);
    // How long a build that changes every page takes (the other version, its share images already
    // cached), to spread the kills over it. A rebuild of the same version reuses every page and
    // would be far shorter than the builds killed below.
    let t = Instant::now();
    build("A");
    let full = t.elapsed().as_micros() as u64;

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut current = "A";
    let (mut kept_old, mut got_new) = (0, 0);
    let trials = 60;
    for trial in 0..trials {
        let next = if current == "A" { "B" } else { "A" };
        site(&root, next);
        let mut child = bin()
            .args(["build", "--root", root.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let delay = rng.next() % (full + full / 4).max(1);
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = tree(&out);
        let snapshot = |v: &str| if v == "A" { &snapshot_a } else { &snapshot_b };
        if &now == snapshot(current) {
            kept_old += 1;
        } else if &now == snapshot(next) {
            got_new += 1;
            current = next;
        } else {
            panic!(
                "trial {trial}: output is neither the old nor the new site after a kill at {delay} µs"
            );
        }
    }
    eprintln!("{trials} kills: {kept_old} left the previous site, {got_new} the new one");
    // Every trial ended in one of the two sites (anything else panicked above); the kills must have
    // landed both before and after the swap for the test to have shown both halves of the guarantee.
    assert!(
        kept_old > 0 && got_new > 0,
        "kills should land both before the swap (kept {kept_old}) and after it (new {got_new})"
    );
    // The next successful build cleans up every leftover.
    let final_tree = build(if current == "A" { "B" } else { "A" });
    assert!(!final_tree.is_empty());
    let leftovers: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("fangpian-") && n != ".fangpian-cache" && !is_spare(n))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// The previous site, which each build keeps beside the output for the next one to build in.
fn is_spare(name: &str) -> bool {
    name == ".public.fangpian-spare"
}

/// Entries beside the output that a build made and did not remove.
fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("fangpian-") && n != ".fangpian-cache" && !is_spare(n))
        .collect()
}

fn spawn_build(root: &Path) -> std::process::Child {
    bin()
        .args(["build", "--root", root.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Two builds into one output at once, one of them killed in half of the trials: the output lock lets
/// only one write at a time, so every published site is whole, a build that says 完成 (exit 0) has
/// published its site, the other one says why it stopped (E1604), and nothing is left behind.
#[test]
fn overlapping_builds_never_publish_an_incomplete_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = root.join("public");
    // Smaller than the kill test's site: 50 trials of two builds each.
    let site = |root: &Path, version: &str| site_of(root, version, 100);
    let build = |version: &str| -> BTreeMap<String, Vec<u8>> {
        site(&root, version);
        let o = run_in(&root, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        tree(&out)
    };
    let snapshot_b = build("B");
    let t = Instant::now();
    let snapshot_a = build("A");
    let full = t.elapsed().as_micros() as u64;
    let snapshot = |v: &str| if v == "A" { &snapshot_a } else { &snapshot_b };

    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut current = "A";
    let (mut busy, mut killed) = (0, 0);
    let trials = 50;
    for trial in 0..trials {
        let next = if current == "A" { "B" } else { "A" };
        site(&root, next);
        let first = spawn_build(&root);
        std::thread::sleep(Duration::from_micros(rng.next() % full.max(1)));
        let mut second = spawn_build(&root);
        let kill = trial % 2 == 1;
        if kill {
            std::thread::sleep(Duration::from_micros(rng.next() % full.max(1)));
            let _ = second.kill(); // SIGKILL
            killed += 1;
        }
        let results = [
            first.wait_with_output().unwrap(),
            second.wait_with_output().unwrap(),
        ];
        let now = tree(&out);
        assert!(
            &now == snapshot(current) || &now == snapshot(next),
            "trial {trial}: the published site is neither the old nor the new one, whole"
        );
        for (i, o) in results.iter().enumerate() {
            let killed_here = kill && i == 1 && o.status.code().is_none();
            if killed_here {
                continue;
            }
            match o.status.code() {
                Some(0) => {
                    assert!(stdout(o).contains("完成"), "trial {trial}: {}", stdout(o));
                    assert_eq!(
                        &now,
                        snapshot(next),
                        "trial {trial}: exit 0 but not published"
                    );
                }
                Some(1) => {
                    assert!(
                        stderr(o).contains("[E1604]"),
                        "trial {trial}: {}",
                        stderr(o)
                    );
                    busy += 1;
                }
                other => panic!("trial {trial}: exit {other:?}: {}", stderr(o)),
            }
        }
        if &now == snapshot(next) {
            current = next;
        }
        if !kill {
            assert!(
                leftovers(&root).is_empty(),
                "trial {trial}: {:?}",
                leftovers(&root)
            );
        }
    }
    eprintln!(
        "{trials} trials ({killed} with a kill): {busy} builds stopped because another was running"
    );
    build(if current == "A" { "B" } else { "A" });
    assert!(
        leftovers(&root).is_empty(),
        "left behind: {:?}",
        leftovers(&root)
    );
}
