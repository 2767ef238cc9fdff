//! F3 network benchmark: dump links, addresses and routes over rtnetlink and build the model
//! for 1,000 interfaces with 2 addresses each, in a namespace of its own, beside
//! `ip -j addr` on the same namespace. Needs root (it creates and deletes the namespace).
//!
//! Run: `cargo bench --bench network` (or `make bench`).

#[path = "../tests/netns/mod.rs"]
mod netns;

use hypervisor_tui::collectors::netlink::{self, events::Tracker};
use hypervisor_tui::event::Screen;
use hypervisor_tui::model::Model;
use hypervisor_tui::model::network::{NetUpdate, Network};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use netns::Netns;
use ratatui::{Terminal, backend::TestBackend};
use std::time::{Duration, Instant};

/// veth pairs: 1,000 interfaces (this kernel has no dummy module), and runs per figure.
/// `cargo test --all-targets` runs this binary without `--bench`: then a small smoke size.
fn size() -> (usize, usize) {
    if std::env::args().any(|a| a == "--bench") { (500, 20) } else { (10, 2) }
}

fn topology(pairs: usize) -> String {
    let mut b = String::new();
    for i in 0..pairs {
        let (x, y) = (i / 250, i % 250);
        b += &format!("link add va{i} type veth peer name vb{i}\n");
        b += &format!("addr add 10.{x}.{y}.1/32 dev va{i}\naddr add fd00:{x}:{y}::1/128 dev va{i} nodad\n");
        b += &format!(
            "addr add 10.{}.{y}.1/32 dev vb{i}\naddr add fd01:{x}:{y}::1/128 dev vb{i} nodad\n",
            x + 100
        );
    }
    b
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ours(ns: &Netns, runs: usize) -> (Vec<Duration>, Network) {
    ns.run_in(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let (conn, handle, _) = rtnetlink::new_connection().unwrap();
            tokio::spawn(conn);
            let mut times = Vec::new();
            let mut last = Network::default();
            for _ in 0..runs {
                let t = Instant::now();
                let state = netlink::dump(&handle, &mut Tracker::new(None)).await.unwrap();
                let mut net = Network::default();
                net.apply(NetUpdate::Full(Box::new(state)));
                times.push(t.elapsed());
                last = net;
            }
            (times, last)
        })
    })
}

/// F3 drawn at 200x60 on `TestBackend` from the dumped model (SPEC §7: under 5 ms a frame).
fn render(model: &Model, runs: usize) -> Vec<Duration> {
    let theme = Theme::new(Glyphs::UNICODE, false);
    let view = View { screen: Screen::Network, ..View::default() };
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    (0..runs * 5)
        .map(|_| {
            let t = Instant::now();
            term.draw(|f| ui::render(model, &view, &theme, f)).unwrap();
            t.elapsed()
        })
        .collect()
}

fn ip_addr(ns: &Netns, runs: usize) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let out = std::process::Command::new("ip").args(["-n", &ns.name, "-j", "addr"]).output().unwrap();
        times.push(t.elapsed());
        assert!(out.status.success());
        bytes = out.stdout.len();
    }
    (times, bytes)
}

fn main() {
    if !Netns::available() {
        eprintln!("network bench: needs root to create a network namespace; skipped");
        return;
    }
    let ns = Netns::new("bench");
    let (pairs, runs) = size();
    ns.ip_batch(&topology(pairs));
    let (t_ours, net) = ours(&ns, runs);
    let (links, addrs) = (net.links.len(), net.addrs.len());
    let model = Model { network: net, ..Model::default() };
    let t_render = render(&model, runs);
    let (t_ip, bytes) = ip_addr(&ns, runs);
    // lo + 2 per pair; 2 addresses per veth, plus lo's 127.0.0.1 and ::1.
    assert_eq!((links, addrs), (1 + 2 * pairs, 4 * pairs + 2), "the namespace is not what was built");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("F3 network, {links} links / {addrs} addresses, median of {runs} runs:");
    println!(
        "  netlink dump + model (links, addresses, routes): {:.2} ms (min {:.2})",
        ms(median(t_ours.clone())),
        ms(*t_ours.iter().min().unwrap())
    );
    println!(
        "  ip -j addr (process, {bytes} bytes of JSON):      {:.2} ms (min {:.2})",
        ms(median(t_ip.clone())),
        ms(*t_ip.iter().min().unwrap())
    );
    println!(
        "  F3 frame at 200x60 from that model:               {:.2} ms (min {:.2})",
        ms(median(t_render.clone())),
        ms(*t_render.iter().min().unwrap())
    );
}
