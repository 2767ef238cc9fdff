//! Properties over arbitrary input (proptest): the journal reader on damaged bytes, the
//! config parser on arbitrary TOML, the /proc parsers on arbitrary text. None may panic or
//! hang; the config parser's errors always name the file and say where. Case counts are
//! kept small so `make test` stays fast; `PROPTEST_CASES=10000` runs a longer search.

use hypervisor_tui::collectors::journal::reader::{Filter, JournalReader, Origin};
use hypervisor_tui::collectors::system::root::HostRoot;
use hypervisor_tui::collectors::system::{mdstat, parse, storage};
use hypervisor_tui::collectors::{disks_parse, netstat_parse, procfs_parse};
use hypervisor_tui::config::Config;
use hypervisor_tui::demo::journal_export::Options;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

#[path = "support/journal.rs"]
mod journal;
#[path = "support/journal_mutate.rs"]
mod journal_mutate;

/// A small valid journal (systemd 252's default layout), made once.
fn base() -> &'static (PathBuf, journal_mutate::Base) {
    static BASE: OnceLock<(PathBuf, journal_mutate::Base)> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = journal::scratch_dir("journal-properties");
        let opts = Options { entries: 40, seed: 3, ..Options::default() };
        let f = journal::write_journal(&dir.join("base.journal"), &opts, journal::LAYOUTS[0]);
        let base = journal_mutate::Base::new("base.journal", std::fs::read(&f).unwrap());
        (dir, base)
    })
}

/// Reads every entry of the journal in `dir` in a thread with a time bound.
fn read_bounded(dir: &Path) -> Result<(), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| {
            JournalReader::open(&Origin::Directories(vec![dir]))
                .and_then(|r| r.tail_lines(usize::MAX, &Filter::default()))
                .map(|v| v.len())
        });
        let _ = tx.send(r.is_ok());
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(true) => Ok(()),
        Ok(false) => Err("the reader panicked".into()),
        Err(_) => Err("the reader hung".into()),
    }
}

fn case_dir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = base().0.join(format!("case-{}", N.fetch_add(1, Ordering::Relaxed)));
    std::fs::create_dir_all(&d).unwrap();
    d
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary bytes written over the used part of a valid journal, maybe cut short.
    #[test]
    fn journal_reader_survives_arbitrary_damage(
        patches in prop::collection::vec((any::<prop::sample::Index>(), prop::collection::vec(any::<u8>(), 1..16)), 1..12),
        cut in prop::option::weighted(0.2, any::<prop::sample::Index>()),
    ) {
        let base = &base().1;
        let used = base.used_len();
        let m = journal_mutate::Mutation {
            patches: patches.iter().map(|(i, b)| (i.index(used), b.clone())).collect(),
            truncate: cut.map(|i| i.index(used)),
            what: "proptest".into(),
        };
        let dir = case_dir();
        std::fs::write(dir.join("system.journal"), m.apply(&base.bytes)).unwrap();
        let r = read_bounded(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert!(r.is_ok(), "{:?}", r);
    }
}

/// TOML-ish lines: the config's own keys with values of every type, table headers,
/// and arbitrary text.
fn toml_line() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "refresh_interval",
        "log_buffer_size",
        "glyphs",
        "allow_quit",
        "units",
        "priority",
        "directory",
        "enabled",
        "kubeconfig",
        "uris",
        "warn_percent",
        "cpu_percent",
        "time_zone",
        "x",
    ]);
    let value = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        "\"[^\"\\\\\n]{0,12}\"",
        prop::collection::vec("\"[a-z.:/]{0,10}\"", 0..3).prop_map(|v| format!("[{}]", v.join(", "))),
        "[0-9.eE+-]{1,8}",
        "\\{ ?[a-z]{1,5} = [0-9]{1,3} ?\\}",
    ];
    let table =
        prop::sample::select(vec!["journal", "kubernetes", "libvirt", "network", "alerts", "actions", "x.y"]);
    prop_oneof![
        4 => (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => table.prop_map(|t| format!("[{t}]")),
        1 => any::<String>(),
        1 => "[\\[\\]=\"'#{}.,a-z0-9 \t]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn config_parse_is_ok_or_names_file_and_place(lines in prop::collection::vec(toml_line(), 0..12)) {
        let text = lines.join("\n");
        let path = Path::new("/etc/hypervisor-tui/config.toml");
        if let Err(e) = Config::parse(&text, path) {
            prop_assert_eq!(&e.file, path);
            prop_assert!(e.line.is_some() || e.key.is_some(), "no line or key in {:?} for {:?}", e, text);
            prop_assert!(e.to_string().starts_with("/etc/hypervisor-tui/config.toml"), "{}", e);
        }
    }

    #[test]
    fn proc_parsers_take_any_text(text in proc_text()) {
        let _ = procfs_parse::parse_stat(&text);
        let _ = procfs_parse::parse_meminfo(&text);
        let _ = procfs_parse::parse_loadavg(&text);
        let _ = procfs_parse::parse_uptime(&text);
        let _ = procfs_parse::parse_hugepages(&text);
        let _ = disks_parse::parse_mounts(&text);
        let _ = disks_parse::parse_diskstats(&text);
        let _ = netstat_parse::parse_net_dev(&text);
        let mut counts = std::collections::BTreeMap::new();
        netstat_parse::count_tcp(&text, &mut counts);
    }

    #[test]
    fn host_fact_parsers_take_any_text(text in mdstat_text()) {
        for a in mdstat::parse_mdstat(&text) {
            let _ = a.degraded();
            if let Some(s) = a.sync {
                prop_assert!(s.percent.is_finite());
            }
        }
        let _ = parse::millidegrees(&text);
        let _ = parse::counter(&text);
        let _ = parse::kernel_version(&text);
        let _ = parse::store_name(&text);
        let _ = parse::generation_number(&text);
        let _ = parse::nixos_version(&text);
        let _ = storage::zfs_state(&text);
    }

    #[test]
    fn symlinks_never_lead_out_of_the_host_root(targets in prop::collection::vec(link_target(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        for (i, t) in targets.iter().enumerate() {
            std::os::unix::fs::symlink(t, root.join(format!("a/l{i}"))).unwrap();
        }
        let host = HostRoot::new(&root);
        for i in 0..targets.len() {
            for tail in ["", "/x", "/../.."] {
                if let Ok(r) = host.resolve(&format!("/a/l{i}{tail}")) {
                    prop_assert!(r.real.starts_with(&root), "{:?} left {:?} via {:?}", r.real, root, targets);
                    prop_assert!(r.host.starts_with('/'));
                }
            }
        }
    }
}

/// A symlink target made of absolute or relative parts, `..` included.
fn link_target() -> impl Strategy<Value = String> {
    let part = prop::sample::select(vec!["..", ".", "a", "b", "l0", "l1", "l2", "x", "root", ""]);
    (any::<bool>(), prop::collection::vec(part, 1..6))
        .prop_map(|(abs, p)| format!("{}{}", if abs { "/" } else { "" }, p.join("/")))
        .prop_filter("a symlink needs a target", |t| !t.is_empty())
}

/// Text shaped like /proc/mdstat and the sysfs/store names the host facts read, or arbitrary.
fn mdstat_text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        prop::sample::select(vec![
            "md0",
            ":",
            " : ",
            "active",
            "inactive",
            "(auto-read-only)",
            "raid1",
            "sda1[0]",
            "sdb1[1](F)",
            "[2/1]",
            "[U_]",
            "[]",
            "[/]",
            "recovery",
            "=",
            " = ",
            "8.5%",
            "%",
            "finish=1e400min",
            "speed=12K/sec",
            "finish=-3min",
            "NaN%",
            "/nix/store/",
            "linux-",
            "system-1-link",
            "-modules",
        ])
        .prop_map(str::to_string),
        any::<u64>().prop_map(|n| n.to_string()),
        "[ \t]{0,8}",
        any::<String>(),
    ];
    let line = prop::collection::vec(word, 0..10).prop_map(|w| w.concat());
    prop::collection::vec(line, 0..8).prop_map(|l| l.join("\n"))
}

/// Text shaped like /proc files (their keywords, numbers, separators) or arbitrary.
fn proc_text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        prop::sample::select(vec![
            "cpu",
            "cpu0",
            "MemTotal:",
            "MemAvailable:",
            "HugePages_Total:",
            "Hugepagesize:",
            "kB",
            "sda",
            "eth0:",
            "|",
            "0A",
            "01",
            "/dev/sda1",
            "/",
            "ext4",
            "rw",
            "\\040",
            "sl",
            "local_address",
        ])
        .prop_map(str::to_string),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i32>().prop_map(|n| n.to_string()),
        "[0-9A-F:.]{1,12}",
        any::<String>(),
    ];
    let line = prop::collection::vec(word, 0..12).prop_map(|w| w.join(" "));
    prop::collection::vec(line, 0..10).prop_map(|l| l.join("\n"))
}
