//! TCP counts from the kernel's sock_diag against the kernel's own /proc/net/tcp{,6} text,
//! in a network namespace of our own with listeners, connections and a TIME_WAIT made here.

mod netns;
mod support;

use hypervisor_tui::collectors::netstat_parse::{count_tcp, state_names};
use hypervisor_tui::collectors::sock_diag::SockDiag;
use netns::Netns;
use std::collections::BTreeMap;
use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use support::require::require;

/// The same sockets counted by /proc/thread-self/net/tcp{,6} (this thread's namespace).
fn text_counts() -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for f in ["tcp", "tcp6"] {
        count_tcp(&std::fs::read_to_string(format!("/proc/thread-self/net/{f}")).unwrap(), &mut counts);
    }
    counts.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

#[test]
fn sock_diag_counts_match_proc_net_tcp_in_a_namespace() {
    if !require(Netns::available(), "creating a network namespace needs root") {
        return;
    }
    let ns = Netns::new("sockdiag");
    let (diag, text) = ns.run_in(|| {
        let v4 = TcpListener::bind("127.0.0.1:0").unwrap();
        let v6 = TcpListener::bind("[::1]:0").unwrap();
        let mut keep = Vec::new();
        for _ in 0..3 {
            keep.push(TcpStream::connect(v4.local_addr().unwrap()).unwrap());
            keep.push(v4.accept().unwrap().0);
        }
        keep.push(TcpStream::connect(v6.local_addr().unwrap()).unwrap());
        keep.push(v6.accept().unwrap().0);
        // The side that closes first waits in TIME_WAIT once the peer has closed too.
        let closer = TcpStream::connect(v4.local_addr().unwrap()).unwrap();
        let (mut peer, _) = v4.accept().unwrap();
        closer.shutdown(Shutdown::Write).unwrap();
        let mut sink = Vec::new();
        peer.read_to_end(&mut sink).unwrap();
        drop(peer);
        let mut closer = closer;
        closer.read_to_end(&mut sink).unwrap();
        drop(closer);
        std::thread::sleep(std::time::Duration::from_millis(50));
        let diag = state_names(&SockDiag::open().unwrap().tcp_states().unwrap());
        (diag, text_counts())
    });
    assert_eq!(diag, text, "sock_diag and /proc/net/tcp disagree");
    assert_eq!(diag.get("LISTEN"), Some(&2), "{diag:?}");
    assert_eq!(diag.get("ESTABLISHED"), Some(&8), "{diag:?}");
    assert_eq!(diag.get("TIME_WAIT"), Some(&1), "{diag:?}");
}

#[test]
fn a_fresh_namespace_has_no_tcp_sockets() {
    if !require(Netns::available(), "creating a network namespace needs root") {
        return;
    }
    let ns = Netns::new("sockdiag0");
    let counts = ns.run_in(|| SockDiag::open().unwrap().tcp_states().unwrap());
    assert_eq!(counts.iter().sum::<u64>(), 0, "{counts:?}");
}
