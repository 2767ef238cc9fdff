//! actiond's wire protocol: one JSON object a line each way, version 1. Reads are bounded
//! (`MAX_LINE` bytes) so a client can neither make actiond grow nor keep it parsing.

use crate::config::Verb;
use serde::{Deserialize, Serialize};
use std::io::{self, BufRead};

pub const VERSION: u32 = 1;
/// Largest request or response line, newline included.
pub const MAX_LINE: usize = 4096;
/// Longest reason an operator may give (characters).
pub const MAX_REASON: usize = 300;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub v: u32,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// Authenticate an operator; opens a grace window keyed by the returned token.
    Auth { user: String, password: String, channel: String },
    /// Run one verb within a grace window.
    Act(ActRequest),
    /// End a grace window now (VT switch, hang-up, quit).
    End { token: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActRequest {
    pub token: String,
    pub verb: Verb,
    pub target: Target,
    /// Required for disruptive and destructive verbs.
    #[serde(default)]
    pub reason: String,
    /// Destructive verbs: the target's name, typed by the operator.
    #[serde(default)]
    pub confirm: String,
    pub channel: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum Target {
    /// A libvirt domain on one of the configured URIs.
    LibvirtDomain { uri: String, name: String },
    /// A systemd unit on this host.
    SystemdUnit { name: String },
    /// A KubeVirt VirtualMachine (its VirtualMachineInstance for pause/unpause/migrate).
    KubevirtVm { namespace: String, name: String },
    /// A Kubernetes node.
    KubeNode { name: String },
}

impl Target {
    /// `HVTUI_TARGET_KIND`.
    pub fn kind(&self) -> &'static str {
        match self {
            Target::LibvirtDomain { .. } => "libvirt-domain",
            Target::SystemdUnit { .. } => "systemd-unit",
            Target::KubevirtVm { .. } => "kubevirt-vm",
            Target::KubeNode { .. } => "kube-node",
        }
    }
    /// The name the operator types to confirm a destructive verb.
    pub fn name(&self) -> &str {
        match self {
            Target::LibvirtDomain { name, .. } | Target::SystemdUnit { name } => name,
            Target::KubevirtVm { name, .. } | Target::KubeNode { name } => name,
        }
    }
    /// `HVTUI_TARGET`: the name and where it lives.
    pub fn describe(&self) -> String {
        match self {
            Target::LibvirtDomain { uri, name } => format!("{name}@{uri}"),
            Target::SystemdUnit { name } | Target::KubeNode { name } => name.clone(),
            Target::KubevirtVm { namespace, name } => format!("{namespace}/{name}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    Authenticated { token: String, operator: String, idle_s: u64, max_s: u64 },
    Done { message: String },
    Ended,
    Refused { error: String },
}

/// Reads one line of at most `MAX_LINE` bytes. `Ok(None)` at end of input; a longer line
/// is an error (the connection is then closed).
pub fn read_line(r: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return if line.is_empty() { Ok(None) } else { Err(io::ErrorKind::UnexpectedEof.into()) };
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if line.len() + take > MAX_LINE {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "request longer than 4096 bytes"));
        }
        line.extend_from_slice(&buf[..take]);
        r.consume(take);
        if done {
            line.pop();
            return Ok(Some(line));
        }
    }
}

/// Parses a request line, checking its version.
pub fn parse(line: &[u8]) -> Result<Request, String> {
    let req: Request = serde_json::from_slice(line).map_err(|e| format!("bad request: {e}"))?;
    if req.v != VERSION {
        return Err(format!("protocol version {} is not {VERSION}", req.v));
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded() {
        let mut ok = io::Cursor::new(b"{}\nrest".to_vec());
        assert_eq!(read_line(&mut ok).unwrap(), Some(b"{}".to_vec()));
        let big = vec![b'x'; MAX_LINE + 10];
        assert!(read_line(&mut io::Cursor::new(big)).is_err());
        assert_eq!(read_line(&mut io::Cursor::new(Vec::new())).unwrap(), None);
    }

    #[test]
    fn requests_round_trip_and_versions_are_checked() {
        let r = Request { v: 1, op: Op::End { token: "t".into() } };
        let line = serde_json::to_vec(&r).unwrap();
        assert_eq!(parse(&line).unwrap(), r);
        assert!(parse(br#"{"v":2,"op":{"end":{"token":"t"}}}"#).unwrap_err().contains("version"));
        let act = br#"{"v":1,"op":{"act":{"token":"t","verb":"guest.force-off","target":{"kind":"libvirt_domain","uri":"test:///default","name":"test"},"channel":"tty1"}}}"#;
        assert!(matches!(parse(act).unwrap().op, Op::Act(a) if a.verb == Verb::GuestForceOff));
        assert!(parse(br#"{"v":1,"op":{"act":{"verb":"rm -rf"}}}"#).is_err());
    }
}
