//! Live follow on a journal that systemd-journal-remote is still writing, across a rotation.

use hypervisor_tui::collectors::journal::live;
use hypervisor_tui::collectors::journal::reader::{Filter, Origin};
use hypervisor_tui::demo::journal_export::Options;
use hypervisor_tui::event::{Health, SourceId, Update};
use hypervisor_tui::model::log_buffer::LogUpdate;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/journal.rs"]
mod journal;

use journal::{LAYOUTS, Writer, spawn_writer};

/// `entries` entries written at 5 per second into `out`, starting at `start_usec`.
fn slow_writer(out: &Path, entries: usize, start_usec: u64, seed: u64) -> Writer {
    let opts = Options { entries, seed, start_usec, boots: 1, ..Options::default() };
    spawn_writer(out, &opts, LAYOUTS[0], Some(Duration::from_millis(200)))
}

/// Each entry's `__REALTIME_TIMESTAMP`, as journalctl reads the file (unique here: the
/// generator's clock only moves forward).
fn timestamps_in(file: &Path) -> Vec<u64> {
    let out = Command::new("journalctl").args(["-o", "json", "-a", "--file"]).arg(file).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["__REALTIME_TIMESTAMP"].as_str().unwrap().parse().unwrap()
        })
        .collect()
}

/// What the journal thread sent: the lines shown (oldest first) and whether it said ok.
#[derive(Default)]
struct Seen {
    times: Vec<u64>,
    healthy: bool,
}

/// Reads the thread's updates until `until`, or until `want` lines are shown.
fn pump(rx: &mut tokio::sync::mpsc::Receiver<Update>, until: Instant, want: usize, seen: &mut Seen) {
    while Instant::now() < until && seen.times.len() < want {
        match rx.try_recv() {
            Ok(Update::Logs(LogUpdate::Reset { lines, .. })) => {
                seen.times = lines.iter().map(|l| l.realtime_usec).collect();
            }
            Ok(Update::Logs(LogUpdate::Append(lines))) => {
                seen.times.extend(lines.iter().map(|l| l.realtime_usec))
            }
            Ok(Update::Health(SourceId::Journal, h)) => seen.healthy = matches!(h, Health::Ok(_)),
            Ok(_) => {}
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// The journal directory does not exist when the console starts; it appears, a file
/// is written, journald-style archived (renamed) and a new file started: every entry
/// shows once, in order, without restarting anything.
#[test]
fn follows_a_directory_that_appears_later_and_an_archived_file() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("later/journal");
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let _handle = live::spawn(Origin::Directories(vec![dir.clone()]), Filter::default(), 1000, tx);
    let mut seen = Seen::default();
    pump(&mut rx, Instant::now() + Duration::from_millis(500), 1, &mut seen);
    assert!(seen.times.is_empty() && !seen.healthy, "nothing to read yet");
    std::fs::create_dir_all(&dir).unwrap();
    let active = dir.join("system.journal");
    slow_writer(&active, 5, 1_735_689_600_000_000, 21).wait();
    let appeared = Instant::now();
    pump(&mut rx, Instant::now() + Duration::from_secs(10), 5, &mut seen);
    println!("the new directory's entries shown {:?} after they were written", appeared.elapsed());
    assert_eq!(seen.times.len(), 5, "the entries of a directory that appeared after start");
    assert!(seen.healthy, "the journal source reported ok once the directory appeared");
    // journald archives the active file by renaming it, then starts a new one.
    let archived =
        dir.join("system@0123456789abcdef0123456789abcdef-0000000000000001-0000000000000001.journal");
    std::fs::rename(&active, &archived).unwrap();
    slow_writer(&active, 10, 1_735_689_700_000_000, 22).wait();
    pump(&mut rx, Instant::now() + Duration::from_secs(10), 15, &mut seen);
    pump(&mut rx, Instant::now() + Duration::from_millis(300), usize::MAX, &mut seen);
    let mut expected = timestamps_in(&archived);
    expected.extend(timestamps_in(&active));
    assert_eq!(expected.len(), 15);
    assert_eq!(seen.times, expected, "every entry, once, in order, across the archiving");
}

#[test]
fn follows_a_live_journal_across_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("system@0001.journal");
    let second = dir.path().join("system@0002.journal");
    // Something to read at start.
    slow_writer(&first, 5, 1_735_689_600_000_000, 11).wait();
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let _handle =
        live::spawn(Origin::Directories(vec![dir.path().to_path_buf()]), Filter::default(), 1000, tx);
    let mut seen = Seen::default();
    pump(&mut rx, Instant::now() + Duration::from_secs(2), 5, &mut seen);
    assert_eq!(seen.times.len(), 5, "the first file's entries at start");
    // More entries into the same file while following…
    slow_writer(&first, 10, 1_735_689_700_000_000, 12).wait();
    // …then the writer moves on to a new file, as journald does when it rotates.
    slow_writer(&second, 10, 1_735_689_800_000_000, 13).wait();
    pump(&mut rx, Instant::now() + Duration::from_secs(5), 25, &mut seen);
    // A moment more: an entry sent twice would show here.
    pump(&mut rx, Instant::now() + Duration::from_millis(300), usize::MAX, &mut seen);
    assert!(seen.healthy, "the journal source reported ok");
    let mut expected = timestamps_in(&first);
    expected.extend(timestamps_in(&second));
    assert_eq!(expected.len(), 25);
    assert_eq!(seen.times, expected, "every entry, once, in order, across the rotation");
}

/// The text on a TestBackend after drawing `app`.
fn screen(app: &hypervisor_tui::app::App) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    app.draw(&mut t).unwrap();
    let buf = t.backend().buffer().clone();
    buf.content().chunks(120).map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n").collect()
}

/// F1's `f` text filter over a journal of four files: results stream in newest first
/// with a progress line on screen, and Esc stops the search before the oldest files are
/// read (what was found stays). The app's channel holds one update, so the journal thread
/// waits for the test at each report and the stop lands at a known point.
#[test]
fn a_text_filter_streams_with_progress_and_esc_stops_it() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use hypervisor_tui::app::App;
    use hypervisor_tui::event::Event;
    use hypervisor_tui::ui::theme::{Glyphs, Theme};
    let dir = tempfile::tempdir().unwrap();
    for i in 0..4u64 {
        let out = dir.path().join(format!("system@{i:04}.journal"));
        let opts = Options {
            entries: 3000,
            seed: 30 + i,
            start_usec: 1_735_689_600_000_000 + i * 86_400_000_000,
            ..Options::default()
        };
        journal::write_journal(&out, &opts, LAYOUTS[0]);
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let mut app = App::new(Theme::new(Glyphs::UNICODE, false), true);
    app.view.size = (120, 30);
    // Room for every match (10,000 lines): only Esc can stop the search early.
    app.journal =
        Some(live::spawn(Origin::Directories(vec![dir.path().to_path_buf()]), Filter::default(), 10_000, tx));
    let mut next = |app: &mut App| -> Update {
        let u = rx.blocking_recv().expect("the journal thread is alive");
        app.update(Event::Update(u.clone()));
        u
    };
    while !matches!(next(&mut app), Update::Logs(LogUpdate::Reset { .. })) {}
    // `f`, a pattern, Enter: the filter goes to the journal thread.
    let key = |c| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
    app.update(key(KeyCode::Char('f')));
    "vm".chars().for_each(|c| {
        app.update(key(KeyCode::Char(c)));
    });
    app.update(key(KeyCode::Enter));
    let first = loop {
        if let Update::Logs(LogUpdate::Progress(Some(p))) = next(&mut app) {
            break p;
        }
    };
    let shown = screen(&app);
    println!("first progress: {first:?}");
    assert!(shown.contains("searching the journal: 1/4 files"), "{shown}");
    assert!(first.scanned > 0 && first.found > 0, "{first:?}");
    app.update(key(KeyCode::Esc));
    let mut last = first;
    loop {
        match next(&mut app) {
            Update::Logs(LogUpdate::Progress(Some(p))) => last = p,
            Update::Logs(LogUpdate::Progress(None)) => break,
            _ => {}
        }
    }
    println!("stopped at: {last:?}; {} lines shown", app.model.logs.len());
    assert!(last.files_done < last.files, "stopped before the oldest file: {last:?}");
    assert!(app.model.logs.progress.is_none() && !screen(&app).contains("searching the journal"));
    // The batch sent just before the stop was noticed may not be counted in `last` yet.
    assert!(app.model.logs.len() >= last.found, "what was found stays shown");
    assert!(app.model.logs.iter().all(|l| l.message.to_lowercase().contains("vm")));
}

/// Streamed or read at once, a text filter gives the same lines.
#[test]
fn a_streamed_text_filter_equals_the_whole_read() {
    use hypervisor_tui::collectors::journal::reader::JournalReader;
    use hypervisor_tui::collectors::journal::stream::Found;
    use hypervisor_tui::model::logs::TextMatch;
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3u64 {
        let out = dir.path().join(format!("system@{i:04}.journal"));
        let opts = Options {
            entries: 2000,
            seed: 50 + i,
            start_usec: 1_735_689_600_000_000 + i * 86_400_000_000,
            ..Options::default()
        };
        journal::write_journal(&out, &opts, LAYOUTS[i as usize]);
    }
    let r = JournalReader::open(&Origin::Directories(vec![dir.path().to_path_buf()])).unwrap();
    for (pattern, n) in [("vm4", 100), ("failed|error", 5000), ("nothing-like-this", 10)] {
        let filter = Filter { text: Some(TextMatch::new(pattern)), ..Filter::default() };
        let whole = r.tail_lines(n, &filter).unwrap();
        let mut streamed: Vec<_> = Vec::new();
        let done = r
            .stream_search(&filter, n, &mut |f| {
                if let Found::Older(mut lines) = f {
                    lines.append(&mut streamed);
                    streamed = lines;
                }
                true
            })
            .unwrap();
        assert!(done);
        let times = |v: &[hypervisor_tui::model::log_buffer::LogLine]| {
            v.iter().map(|l| l.realtime_usec).collect::<Vec<_>>()
        };
        println!("{pattern}: {} lines", whole.len());
        assert_eq!(times(&streamed), times(&whole), "{pattern}");
    }
}

/// F1's `/` finds nothing older among the loaded lines: it says so, and the next `n`
/// searches the whole journal (as the `f` filter does, streamed from the DATA objects),
/// bringing the old entries that match.
#[test]
fn a_search_with_no_older_match_loaded_goes_on_into_the_whole_journal() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use hypervisor_tui::app::App;
    use hypervisor_tui::collectors::journal::reader::JournalReader;
    use hypervisor_tui::event::Event;
    use hypervisor_tui::ui::theme::{Glyphs, Theme};
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { entries: 3000, seed: 71, start_usec: 1_735_689_600_000_000, ..Options::default() };
    journal::write_journal(&dir.path().join("system.journal"), &opts, LAYOUTS[0]);
    let origin = Origin::Directories(vec![dir.path().to_path_buf()]);
    const LOADED: usize = 200;
    // A message among the oldest entries that none of the newest LOADED carries.
    let r = JournalReader::open(&origin).unwrap();
    let newest = r.tail_lines(LOADED, &Filter::default()).unwrap();
    let all = r.tail_lines(3000, &Filter::default()).unwrap();
    let pattern = all
        .iter()
        .map(|l| regex::escape(&l.message))
        .find(|p| {
            let m = hypervisor_tui::model::logs::TextMatch::new(p);
            !newest.iter().any(|l| m.is_match(&l.message))
        })
        .expect("some old message is not among the newest");
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let mut app = App::new(Theme::new(Glyphs::UNICODE, false), true);
    app.view.size = (120, 30);
    app.journal = Some(live::spawn(origin, Filter::default(), LOADED, tx));
    let mut next = |app: &mut App| -> Update {
        let u = rx.blocking_recv().expect("the journal thread is alive");
        app.update(Event::Update(u.clone()));
        u
    };
    while !matches!(next(&mut app), Update::Logs(LogUpdate::Reset { .. })) {}
    assert_eq!(app.model.logs.len(), LOADED);
    let key = |c| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
    app.update(key(KeyCode::Char('/')));
    pattern.chars().for_each(|c| {
        app.update(key(KeyCode::Char(c)));
    });
    app.update(key(KeyCode::Enter));
    let shown = screen(&app);
    assert!(shown.contains("n again searches the whole journal"), "{shown}");
    app.update(key(KeyCode::Char('n')));
    // The search streams; it is done when the progress line goes.
    let mut searched = false;
    while !(searched && app.model.logs.progress.is_none() && !app.view.logs.reading) {
        searched |= matches!(next(&mut app), Update::Logs(LogUpdate::Progress(Some(_))));
    }
    let m = hypervisor_tui::model::logs::TextMatch::new(&pattern);
    assert!(!app.model.logs.is_empty(), "the old entries were found");
    assert!(app.model.logs.iter().all(|l| m.is_match(&l.message)), "only matching entries are shown");
    let expected = all.iter().filter(|l| m.is_match(&l.message)).count().min(LOADED);
    assert_eq!(app.model.logs.len(), expected, "every match in the journal, up to the buffer's size");
    assert_eq!(app.view.logs.filter.text.as_ref().map(|t| t.pattern.as_str()), Some(pattern.as_str()));
}
