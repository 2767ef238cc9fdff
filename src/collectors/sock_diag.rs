//! TCP connection counts by state from the kernel's `NETLINK_SOCK_DIAG` (what `ss` uses).
//!
//! Both this and /proc/net/tcp{,6} make the kernel walk every bucket of the TCP hash tables
//! (sized by memory, not by connections), but the text files also print a line per socket
//! and restart the walk for every page read: 15 ms against 2.2 ms on this 24 GiB machine
//! with 3 sockets. Only the state byte of each answer is read; one buffer is reused; a reply
//! that does not come within a second is an error, never a hang.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// `SOCK_DIAG_BY_FAMILY` from linux/sock_diag.h.
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
/// nlmsghdr (16 bytes) + inet_diag_req_v2 (56 bytes).
const REQUEST_LEN: usize = 72;
/// The largest TCP state number the kernel reports (TCP_NEW_SYN_RECV = 12).
pub const STATES: usize = 13;

/// Counts indexed by the kernel's TCP state number (1 = ESTABLISHED … 11 = CLOSING).
pub type StateCounts = [u64; STATES];

/// An open sock_diag socket and its receive buffer, kept between samples.
pub struct SockDiag {
    fd: OwnedFd,
    buf: Vec<u8>,
    seq: u32,
}

impl SockDiag {
    pub fn open() -> io::Result<Self> {
        // SAFETY: plain socket(2); the descriptor is owned right after the check.
        let fd = unsafe {
            libc::socket(libc::AF_NETLINK, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, libc::NETLINK_SOCK_DIAG)
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a fresh descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let timeout = libc::timeval { tv_sec: 1, tv_usec: 0 };
        // SAFETY: setsockopt with a timeval of the right size.
        let rc = unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&timeout as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(SockDiag { fd, buf: vec![0; 32 * 1024], seq: 0 })
    }

    /// TCP sockets of the process's network namespace, IPv4 and IPv6, by state.
    pub fn tcp_states(&mut self) -> io::Result<StateCounts> {
        let mut counts = [0; STATES];
        for family in [libc::AF_INET, libc::AF_INET6] {
            self.seq = self.seq.wrapping_add(1);
            self.send(family as u8)?;
            self.receive(&mut counts)?;
        }
        Ok(counts)
    }

    fn send(&self, family: u8) -> io::Result<()> {
        let req = request(family, self.seq);
        // SAFETY: sockaddr_nl is plain data; zeroed is its valid "kernel" address.
        let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: the buffer and the address outlive the call; lengths are theirs.
        let n = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                req.as_ptr().cast(),
                req.len(),
                0,
                (&addr as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if n < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
    }

    fn receive(&mut self, counts: &mut StateCounts) -> io::Result<()> {
        loop {
            // SAFETY: recv into our own buffer, at most its length.
            let n =
                unsafe { libc::recv(self.fd.as_raw_fd(), self.buf.as_mut_ptr().cast(), self.buf.len(), 0) };
            if n < 0 {
                return Err(io::Error::last_os_error());
            }
            if n == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "sock_diag: empty reply"));
            }
            if parse_replies(&self.buf[..n as usize], self.seq, counts)? {
                return Ok(());
            }
        }
    }
}

/// One dump request for every TCP socket of `family`.
fn request(family: u8, seq: u32) -> [u8; REQUEST_LEN] {
    let mut r = [0u8; REQUEST_LEN];
    r[0..4].copy_from_slice(&(REQUEST_LEN as u32).to_ne_bytes());
    r[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    let flags = (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16;
    r[6..8].copy_from_slice(&flags.to_ne_bytes());
    r[8..12].copy_from_slice(&seq.to_ne_bytes());
    // inet_diag_req_v2: family, protocol, ext, pad, states (every bit), then a zero sockid.
    r[16] = family;
    r[17] = libc::IPPROTO_TCP as u8;
    r[20..24].copy_from_slice(&u32::MAX.to_ne_bytes());
    r
}

/// Adds the states of the answers in one datagram; true once the dump is done.
/// Messages of another sequence number are skipped; a truncated message ends the datagram.
pub fn parse_replies(mut data: &[u8], seq: u32, counts: &mut StateCounts) -> io::Result<bool> {
    while data.len() >= 16 {
        let len = u32::from_ne_bytes([data[0], data[1], data[2], data[3]]) as usize;
        let kind = u16::from_ne_bytes([data[4], data[5]]);
        let msg_seq = u32::from_ne_bytes([data[8], data[9], data[10], data[11]]);
        if len < 16 || len > data.len() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "sock_diag: truncated message"));
        }
        if msg_seq == seq {
            match kind {
                NLMSG_DONE => return Ok(true),
                NLMSG_ERROR => {
                    let code =
                        data.get(16..20).map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(0);
                    return Err(io::Error::from_raw_os_error(code.checked_neg().unwrap_or(libc::EIO)));
                }
                SOCK_DIAG_BY_FAMILY => {
                    if let Some(&state) = data.get(17) {
                        counts[usize::from(state).min(STATES - 1)] += 1;
                    }
                }
                _ => {}
            }
        }
        let step = (len + 3) & !3;
        data = data.get(step..).unwrap_or(&[]);
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(kind: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend(((16 + payload.len()) as u32).to_ne_bytes());
        m.extend(kind.to_ne_bytes());
        m.extend(0u16.to_ne_bytes());
        m.extend(seq.to_ne_bytes());
        m.extend(0u32.to_ne_bytes());
        m.extend(payload);
        while m.len() % 4 != 0 {
            m.push(0);
        }
        m
    }

    #[test]
    fn counts_states_until_done_and_skips_other_sequences() {
        let mut data = message(SOCK_DIAG_BY_FAMILY, 7, &[2, 10, 0, 0]);
        data.extend(message(SOCK_DIAG_BY_FAMILY, 7, &[2, 1, 0, 0]));
        data.extend(message(SOCK_DIAG_BY_FAMILY, 6, &[2, 1, 0, 0]));
        data.extend(message(SOCK_DIAG_BY_FAMILY, 7, &[2, 200, 0, 0]));
        let mut counts = [0; STATES];
        assert!(!parse_replies(&data, 7, &mut counts).unwrap());
        assert_eq!((counts[1], counts[10], counts[STATES - 1]), (1, 1, 1));
        assert!(parse_replies(&message(NLMSG_DONE, 7, &[0; 4]), 7, &mut counts).unwrap());
    }

    #[test]
    fn errors_and_truncation_are_errors() {
        let mut counts = [0; STATES];
        let e = parse_replies(&message(NLMSG_ERROR, 1, &(-libc::ENOENT).to_ne_bytes()), 1, &mut counts);
        assert_eq!(e.unwrap_err().raw_os_error(), Some(libc::ENOENT));
        let mut m = message(SOCK_DIAG_BY_FAMILY, 1, &[2, 1, 0, 0]);
        m[0] = 200;
        assert!(parse_replies(&m, 1, &mut counts).is_err());
        assert!(!parse_replies(&m[..10], 1, &mut counts).unwrap(), "less than a header: nothing");
    }
}
