//! One kube-rs watcher per kind: a (re-)list becomes one `Replace`, then each change an
//! `Apply` or `Delete`. kube's watcher re-lists after 410 Gone and re-watches when a stream
//! ends; errors are classified here (forbidden, absent, unreachable) and retried with
//! kube's default backoff (0.8 s doubling to 30 s).

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
        401 => Some(KindState::Error(format!("unauthorized: {}", s.message))),
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
    let stream = watcher::watcher(api, config).default_backoff();
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
