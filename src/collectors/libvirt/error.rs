//! libvirt's errors in the words an operator reads ("libvirtd not running (no socket at …)"),
//! with libvirt's own text kept for `check` (`detail()`).

use virt::error::{Error as VirtError, ErrorDomain, ErrorNumber};

/// Why a libvirt URI could not be read. `Display` is the short form for the header, alerts
/// and F4; `detail()` is libvirt's full message with its code and domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LibvirtError {
    /// No socket where the URI points (ENOENT): the daemon is not running.
    #[error("libvirtd not running (no socket at {socket})")]
    NotRunning { socket: String, detail: String },
    /// A socket nobody listens on (ECONNREFUSED): the daemon died or is restarting.
    #[error("libvirtd not running (nothing listens on {socket})")]
    Refused { socket: String, detail: String },
    /// A remote URI's transport (ssh, or `ext`'s command) ended before libvirtd answered: the
    /// last words it wrote on stderr, which libvirt passes on ("ssh: Could not resolve …").
    #[error("transport failed: {why}")]
    Transport { why: String, detail: String },
    /// Connected once, but the daemon stopped answering (keepalive timeout).
    #[error("libvirtd not answering ({} s)", super::worker::GIVE_UP_S)]
    NotAnswering { detail: String },
    /// The connection dropped: daemon restart, reset, end of file, close callback.
    #[error("connection to libvirtd lost")]
    Lost { detail: String },
    /// The socket (or its directory) may not be opened by this user (EACCES).
    #[error("permission denied on {path} (add the user to group libvirtd)")]
    PermissionDenied { path: String, detail: String },
    /// libvirtd (polkit, SASL, ACLs) refused this user.
    #[error("access refused by libvirtd (add the user to group libvirtd)")]
    AuthDenied { detail: String },
    /// A `test:///path` node file that does not exist (caught before libvirt prints to stderr).
    #[error("{path}: no such node file")]
    NoNodeFile { path: String },
    /// libvirt's event loop could not be started (the text says all there is).
    #[error("event loop: {detail}")]
    EventLoop { detail: String },
    /// Anything else: libvirt's first line, and its numbers.
    #[error("{}", first_line(message))]
    Other { code: i32, domain: i32, message: String },
}

impl LibvirtError {
    /// The full underlying text: libvirt's message with `[code=… (n), domain=… (n)]`.
    pub fn detail(&self) -> String {
        match self {
            LibvirtError::NotRunning { detail, .. }
            | LibvirtError::Refused { detail, .. }
            | LibvirtError::Transport { detail, .. }
            | LibvirtError::NotAnswering { detail }
            | LibvirtError::Lost { detail }
            | LibvirtError::PermissionDenied { detail, .. }
            | LibvirtError::AuthDenied { detail } => detail.clone(),
            LibvirtError::NoNodeFile { .. } | LibvirtError::EventLoop { .. } => self.to_string(),
            LibvirtError::Other { code, domain, message } => {
                format!("{message} [code={code}, domain={domain}]")
            }
        }
    }

    /// "short form: full text", for `check`; the short form alone when they say the same.
    pub fn with_detail(&self) -> String {
        let (short, detail) = (self.to_string(), self.detail());
        if detail == short { short } else { format!("{short}: {detail}") }
    }
}

impl From<VirtError> for LibvirtError {
    fn from(e: VirtError) -> LibvirtError {
        classify(e.code(), e.domain(), e.message(), e.to_string())
    }
}

/// Sorts libvirt's error by its number and domain, and, for system errors (VIR_ERR_SYSTEM_ERROR
/// = 38 from VIR_FROM_RPC = 7 / VIR_FROM_REMOTE), by the errno text libvirt appends.
pub fn classify(code: ErrorNumber, domain: ErrorDomain, message: &str, detail: String) -> LibvirtError {
    use ErrorNumber as N;
    let transport = matches!(domain, ErrorDomain::Rpc | ErrorDomain::Remote);
    match code {
        N::AuthFailed | N::AuthUnavailable | N::AuthCancelled | N::AccessDenied | N::OperationDenied => {
            LibvirtError::AuthDenied { detail }
        }
        N::SystemError | N::NoConnect if transport || message.contains("connect socket") => {
            // First the stream's end: what a remote transport wrote may name any errno.
            if ["Cannot recv data", "Cannot write data", "End of file"].iter().any(|m| message.contains(m)) {
                return match transport_words(message) {
                    Some(why) => LibvirtError::Transport { why, detail },
                    None => LibvirtError::Lost { detail },
                };
            }
            let socket = quoted(message).unwrap_or_default().to_string();
            if message.contains("No such file or directory") {
                LibvirtError::NotRunning { socket, detail }
            } else if message.contains("Connection refused") {
                LibvirtError::Refused { socket, detail }
            } else if message.contains("Permission denied") {
                LibvirtError::PermissionDenied { path: socket, detail }
            } else {
                other(code, domain, message)
            }
        }
        _ if transport && message.contains("keepalive") => LibvirtError::NotAnswering { detail },
        N::OperationInvalid | N::InternalError if transport && message.contains("closed") => {
            LibvirtError::Lost { detail }
        }
        _ => other(code, domain, message),
    }
}

fn other(code: ErrorNumber, domain: ErrorDomain, message: &str) -> LibvirtError {
    LibvirtError::Other {
        code: code.to_raw() as i32,
        domain: domain.to_raw() as i32,
        message: message.into(),
    }
}

/// What a transport command wrote on stderr, as libvirt passes it on:
/// "Cannot recv data: <stderr>: Connection reset by peer". Its last line that is not a
/// warning (ssh warns of identity files before it says why it gave up); None without any.
fn transport_words(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("data: ")?;
    let (stderr, _errno) = rest.rsplit_once(": ")?;
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let why = lines.iter().rev().find(|l| !l.starts_with("Warning:")).or(lines.last())?;
    Some(why.to_string())
}

/// The path libvirt quotes: "Failed to connect socket to '/run/libvirt/libvirt-sock-ro': …".
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('\'')? + 1;
    let len = message[start..].find('\'')?;
    Some(&message[start..start + len])
}

pub fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
