//! Pure parsers for /proc/net/dev and /proc/net/tcp{,6}.

use std::collections::BTreeMap;

/// RX/TX byte counters of one interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IfCounters {
    pub rx_bytes: u64,
    pub tx_bytes: u64,
}

pub fn parse_net_dev(text: &str) -> Vec<(String, IfCounters)> {
    text.lines()
        .skip(2)
        .filter_map(|line| {
            let (name, rest) = line.split_once(':')?;
            let f: Vec<u64> = rest.split_ascii_whitespace().map(|v| v.parse().unwrap_or(0)).collect();
            let c = IfCounters { rx_bytes: *f.first()?, tx_bytes: *f.get(8)? };
            Some((name.trim().to_string(), c))
        })
        .collect()
}

/// TCP states as the kernel numbers them in /proc/net/tcp and sock_diag.
const STATES: [&str; 12] = [
    "?",
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECV",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "CLOSE",
    "CLOSE_WAIT",
    "LAST_ACK",
    "LISTEN",
    "CLOSING",
];

/// sock_diag's counts by state number as names, the states with no socket left out
/// (request sockets, TCP_NEW_SYN_RECV = 12, are SYN_RECV as in /proc/net/tcp).
pub fn state_names(counts: &[u64]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (i, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
        let name = if i == 12 { "SYN_RECV" } else { STATES.get(i).copied().unwrap_or("?") };
        *out.entry(name.to_string()).or_default() += n;
    }
    out
}

/// Connection counts by state, added into `counts`.
pub fn count_tcp(text: &str, counts: &mut BTreeMap<&'static str, u64>) {
    for line in text.lines().skip(1) {
        let Some(st) = line.split_ascii_whitespace().nth(3) else { continue };
        let i = usize::from_str_radix(st, 16).unwrap_or(0);
        *counts.entry(STATES.get(i).copied().unwrap_or("?")).or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_dev() {
        let t = "Inter-|   Receive |  Transmit\n face |bytes packets|bytes\n    lo:    3193      29    0    0    0     0          0         0     3194      29    0    0    0     0       0          0\n  eth0: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0\n bad line\n";
        let d = parse_net_dev(t);
        assert_eq!(
            d,
            [
                ("lo".into(), IfCounters { rx_bytes: 3193, tx_bytes: 3194 }),
                ("eth0".into(), IfCounters { rx_bytes: 10, tx_bytes: 20 })
            ]
        );
    }

    #[test]
    fn tcp_states() {
        let t = "  sl  local_address rem_address   st tx_queue\n   0: 00000000:07E8 00000000:0000 0A 0\n   1: 0100007F:1F90 0100007F:D2A4 01 0\n   2: 0100007F:1F90 0100007F:D2A6 01 0\n   3: x x ZZ\n";
        let mut c = BTreeMap::new();
        count_tcp(t, &mut c);
        assert_eq!(c.get("ESTABLISHED"), Some(&2));
        assert_eq!(c.get("LISTEN"), Some(&1));
        assert_eq!(c.get("?"), Some(&1));
    }
}
