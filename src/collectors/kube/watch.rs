//! One kube-rs watcher per kind: a (re-)list becomes one `Replace`, then each change an
//! `Apply` or `Delete`. kube's watcher re-lists after 410 Gone and re-watches when a stream
//! ends; errors are classified here (forbidden, absent, unreachable) and retried with
//! a short backoff of our own (`WatchBackoff`).

use super::error::innermost;
use crate::event::Update;
use crate::model::cluster::KubeUpdate;
use crate::model::cluster::objects::{Kind, Object, key};
use futures::StreamExt;
use kube::Resource;
use kube::api::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::time::Duration;
use tokio::sync::mpsc;

/// How a kind's watch is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindState {
    Listing,
    Synced,
    /// RBAC forbids listing or watching it: the API's own message.
    Forbidden(String),
    /// The API does not serve it (404: CRD not installed).
    Absent(String),
    /// The API cannot be reached.
    Unreachable(String),
    /// The API rejects the token (401): the client is rebuilt from the kubeconfig.
    Unauthorized(String),
    Error(String),
}

/// Classifies a watcher error; `None` for a 410 Gone, which the watcher answers by re-listing.
pub fn classify(e: &watcher::Error) -> Option<KindState> {
    use watcher::Error as W;
    let api = |s: &kube::core::Status| match s.code {
        410 => None,
        403 => Some(KindState::Forbidden(s.message.clone())),
        404 => {
            Some(KindState::Absent(if s.message.is_empty() { "not found".into() } else { s.message.clone() }))
        }
        401 => Some(KindState::Unauthorized(s.message.clone())),
        c => Some(KindState::Error(format!("API error {c}: {}", s.message))),
    };
    match e {
        W::InitialListFailed(kube::Error::Api(s))
        | W::WatchStartFailed(kube::Error::Api(s))
        | W::WatchFailed(kube::Error::Api(s)) => api(s),
        W::WatchError(s) => api(s),
        W::InitialListFailed(other) | W::WatchStartFailed(other) | W::WatchFailed(other) => {
            Some(KindState::Unreachable(innermost(other)))
        }
        W::NoResourceVersion => Some(KindState::Error("the API sent no resourceVersion".into())),
    }
}

/// Where a watcher reports.
pub struct Sinks {
    pub updates: mpsc::Sender<Update>,
    pub states: mpsc::Sender<(Kind, KindState)>,
}

/// Watches `api` until the app goes away, converting objects with `convert`.
pub async fn run<K, F>(api: Api<K>, config: watcher::Config, kind: Kind, convert: F, sinks: Sinks)
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + 'static,
    F: Fn(&K) -> Object + Send,
{
    let stream = watcher::watcher(api, config).backoff(WatchBackoff::default());
    let mut stream = std::pin::pin!(stream);
    let mut buffer: Vec<Object> = Vec::new();
    let mut last: Option<KindState> = None;
    let _ = sinks.states.send((kind, KindState::Listing)).await;
    while let Some(ev) = stream.next().await {
        let (update, state) = match ev {
            Ok(Event::Init) => {
                buffer.clear();
                (None, None)
            }
            Ok(Event::InitApply(o)) => {
                buffer.push(convert(&o));
                (None, None)
            }
            Ok(Event::InitDone) => {
                (Some(KubeUpdate::Replace(kind, std::mem::take(&mut buffer))), Some(KindState::Synced))
            }
            Ok(Event::Apply(o)) => (Some(KubeUpdate::Apply(convert(&o))), Some(KindState::Synced)),
            Ok(Event::Delete(o)) => {
                let meta = o.meta();
                let k = key(meta.namespace.as_deref().unwrap_or(""), meta.name.as_deref().unwrap_or(""));
                (Some(KubeUpdate::Delete(kind, k)), Some(KindState::Synced))
            }
            Err(e) => match classify(&e) {
                Some(s @ (KindState::Forbidden(_) | KindState::Absent(_))) => {
                    let why = match &s {
                        KindState::Forbidden(m) => format!("forbidden: {m}"),
                        KindState::Absent(m) => format!("not served: {m}"),
                        _ => String::new(),
                    };
                    let changed = last.as_ref() != Some(&s);
                    (changed.then_some(KubeUpdate::Missing(kind, why)), Some(s))
                }
                other => (None, other),
            },
        };
        if let Some(u) = update
            && sinks.updates.send(Update::Kube(Box::new(u))).await.is_err()
        {
            return;
        }
        if let Some(s) = state
            && last.as_ref() != Some(&s)
        {
            last = Some(s.clone());
            if sinks.states.send((kind, s)).await.is_err() {
                return;
            }
        }
    }
}

/// Retry delays for a watch: 0.25 s doubling to 2 s, back to the start on any success.
/// kube's default (0.8 s doubling to 30 s, reset only after 2 quiet minutes) grew through an
/// API server restart, so the re-list after the fresh server's 410 waited for up to 30 s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WatchBackoff {
    next: Duration,
}

impl WatchBackoff {
    const FIRST: Duration = Duration::from_millis(250);
    const MAX: Duration = Duration::from_secs(2);
}

impl Default for WatchBackoff {
    fn default() -> Self {
        WatchBackoff { next: Self::FIRST }
    }
}

impl Iterator for WatchBackoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let d = self.next;
        self.next = (self.next * 2).min(Self::MAX);
        Some(d)
    }
}

impl kube::runtime::utils::Backoff for WatchBackoff {
    fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

#[cfg(test)]
mod backoff_tests {
    use super::WatchBackoff;
    use kube::runtime::utils::Backoff;
    use std::time::Duration;

    #[test]
    fn short_capped_and_reset_by_a_success() {
        let mut b = WatchBackoff::default();
        let ms: Vec<u128> = b.by_ref().take(6).map(|d| d.as_millis()).collect();
        assert_eq!(ms, [250, 500, 1000, 2000, 2000, 2000]);
        b.reset();
        assert_eq!(b.next(), Some(Duration::from_millis(250)));
    }
}
