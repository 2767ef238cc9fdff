//! Why the Kubernetes source has no cluster, in the words an operator reads ("API
//! unreachable at …: Connection refused", "forbidden: pods, services (RBAC)"); the kube
//! errors stay attached as the source chain, which `detail()` spells out for `check`.

use kube::config::KubeconfigError;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    #[error("no kubeconfig ({}) and not in a cluster", shown(candidates))]
    NoKubeconfig { candidates: Vec<PathBuf> },
    #[error("cannot read kubeconfig {}: {source}", path.display())]
    ReadKubeconfig {
        path: PathBuf,
        #[source]
        source: KubeconfigError,
    },
    #[error("bad kubeconfig {}: {source}", path.display())]
    BadKubeconfig {
        path: PathBuf,
        #[source]
        source: KubeconfigError,
    },
    #[error("cannot build a client: {0}")]
    Client(#[source] kube::Error),
    /// The API server could not be reached; the innermost cause is what says why.
    #[error("API unreachable at {url}: {}", innermost(source))]
    Unreachable {
        url: String,
        #[source]
        source: kube::Error,
    },
    #[error("API at {url} did not answer within {} s", after.as_secs())]
    Timeout { url: String, after: Duration },
    /// The API rejects the token (401: expired, revoked, unknown); a renewed kubeconfig is
    /// picked up as soon as it is written.
    #[error("token rejected (401) by {url}{}", waiting(path))]
    Unauthorized { url: String, path: Option<PathBuf>, message: String },
    /// RBAC refuses these kinds (plural names); the API's message is kept.
    #[error("forbidden: {} (RBAC)", kinds.join(", "))]
    Forbidden { kinds: Vec<&'static str>, message: String },
}

impl KubeError {
    /// The whole chain of causes ("…: client error (Connect): tcp connect error: Connection
    /// refused"), or the API's own message, for `check`.
    pub fn detail(&self) -> String {
        if let KubeError::Forbidden { message, .. } | KubeError::Unauthorized { message, .. } = self {
            return if message.is_empty() { self.to_string() } else { format!("{self}: {message}") };
        }
        let mut text = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            let t = e.to_string();
            if !text.contains(&t) {
                text = format!("{text}: {t}");
            }
            next = e.source();
        }
        text
    }
}

fn waiting(path: &Option<PathBuf>) -> String {
    path.as_ref().map(|p| format!("; waiting for a renewed {}", p.display())).unwrap_or_default()
}

fn shown(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// The innermost cause of an error ("Connection refused (os error 111)"), which is what an
/// operator needs; kube's outer layers repeat "client error (Connect)". The error's own text
/// when the innermost one says nothing.
pub fn innermost(e: &dyn std::error::Error) -> String {
    let mut inner = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    let text = inner.to_string();
    if text.is_empty() { e.to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn words_for_an_api_nobody_answers() {
        // A port nothing listens on: kube's real error, through its own client.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        let config = kube::Config::new(url.parse().unwrap());
        let client = kube::Client::try_from(config).unwrap();
        let source = client.apiserver_version().await.unwrap_err();
        let e = KubeError::Unreachable { url: url.clone(), source };
        let short = e.to_string();
        assert!(short.starts_with(&format!("API unreachable at {url}: ")), "{short}");
        assert!(short.contains("Connection refused"), "{short}");
        assert!(!short.contains("client error"), "only the innermost cause: {short}");
        // The detail keeps every layer.
        assert!(e.detail().starts_with(&short) && e.detail().len() > short.len(), "{}", e.detail());
    }

    #[test]
    fn words_for_rbac_and_missing_kubeconfig() {
        let e = KubeError::Forbidden {
            kinds: vec!["pods", "services"],
            message: "pods is forbidden: User \"x\" cannot list resource \"pods\"".into(),
        };
        assert_eq!(e.to_string(), "forbidden: pods, services (RBAC)");
        assert!(e.detail().ends_with("cannot list resource \"pods\""));
        let e = KubeError::NoKubeconfig { candidates: vec!["/a".into(), "/b".into()] };
        assert_eq!(e.to_string(), "no kubeconfig (/a, /b) and not in a cluster");
        assert_eq!(e.detail(), e.to_string());
        let e = KubeError::Unauthorized {
            url: "https://h:6443".into(),
            path: Some("/run/hypervisor-tui/kubeconfig".into()),
            message: "Unauthorized".into(),
        };
        assert_eq!(
            e.to_string(),
            "token rejected (401) by https://h:6443; waiting for a renewed /run/hypervisor-tui/kubeconfig"
        );
        let e = KubeError::Timeout { url: "https://h:6443".into(), after: Duration::from_secs(5) };
        assert_eq!(e.to_string(), "API at https://h:6443 did not answer within 5 s");
    }

    #[test]
    fn a_kubeconfig_that_cannot_be_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, "{ not: [yaml").unwrap();
        let source = kube::config::Kubeconfig::read_from(&path).unwrap_err();
        let e = KubeError::ReadKubeconfig { path: path.clone(), source };
        assert!(e.to_string().starts_with(&format!("cannot read kubeconfig {}: ", path.display())), "{e}");
    }
}
