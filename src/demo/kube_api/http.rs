//! The fake API server's HTTP side: requests, routing, lists and watch streams.

use super::{ALL, Grant, Inner, Res, lock, status};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// What a request asks for.
pub(super) struct Request {
    pub(super) method: String,
    pub(super) path: String,
    query: BTreeMap<String, String>,
    /// The bearer token of the `Authorization` header.
    token: Option<String>,
    /// The body of a write (`Content-Length` bytes).
    pub(super) body: Vec<u8>,
}

/// Largest request body read (a write's JSON).
const MAX_BODY: usize = 1 << 20;

fn parse_request_line(line: &str) -> Option<Request> {
    let mut words = line.split_whitespace();
    let method = words.next()?.to_string();
    let target = words.next()?;
    let (path, q) = target.split_once('?').unwrap_or((target, ""));
    let query = q
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    Some(Request { method, path: path.to_string(), query, token: None, body: Vec::new() })
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex =
                    std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                out.push(hex.unwrap_or(b'%'));
                i += if hex.is_some() { 3 } else { 1 };
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// (resource, namespace) of a collection path.
fn route(path: &str) -> Option<(Res, Option<String>)> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match parts.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return None,
    };
    let (ns, plural) = match rest {
        ["namespaces", ns, plural] => (Some(ns.to_string()), *plural),
        [plural] => (None, *plural),
        _ => return None,
    };
    let res = ALL.into_iter().find(|r| r.group == group && r.version == version && r.plural == plural)?;
    Some((res, ns))
}

/// `a.b=c,d!=e` against an object; unknown forms match.
fn selected(obj: &Value, selector: Option<&String>, labels: bool) -> bool {
    let Some(sel) = selector else { return true };
    sel.split(',').filter(|t| !t.is_empty()).all(|term| {
        let (key, want, eq) = match (term.split_once("!="), term.split_once('=')) {
            (Some((k, v)), _) => (k, Some(v), false),
            (None, Some((k, v))) => (k, Some(v.trim_start_matches('=')), true),
            (None, None) => (term, None, true),
        };
        let got = if labels {
            obj["metadata"]["labels"].get(key).and_then(Value::as_str).map(str::to_string)
        } else {
            let ptr = format!("/{}", key.replace('.', "/"));
            obj.pointer(&ptr).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
        };
        match want {
            None => got.is_some(),
            Some(w) => (got.as_deref() == Some(w)) == eq,
        }
    })
}

fn matches(req: &Request, res: &Res, ns: &Option<String>, obj: &Value) -> bool {
    let in_ns = ns.as_deref().is_none_or(|n| obj["metadata"]["namespace"].as_str() == Some(n));
    in_ns
        && selected(obj, req.query.get("labelSelector"), true)
        && selected(obj, req.query.get("fieldSelector"), false)
        && obj["kind"] == res.kind
}

pub(super) async fn respond(sock: &mut TcpStream, code: u16, body: &Value) -> std::io::Result<()> {
    let text = serde_json::to_string(body).unwrap_or_default();
    let reason = match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        401 => "Unauthorized",
        405 => "Method Not Allowed",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        403 => "Forbidden",
        404 => "Not Found",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        text.len()
    );
    sock.write_all(head.as_bytes()).await?;
    sock.write_all(text.as_bytes()).await
}

pub(super) async fn connection(inner: Arc<Inner>, sock: TcpStream) {
    let mut reader = BufReader::new(sock);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        // Headers until the blank line; a write's body follows (Content-Length).
        let mut token = None;
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).await.unwrap_or(0) == 0 {
                return;
            }
            if h == "\r\n" || h == "\n" {
                break;
            }
            if let Some((name, value)) = h.split_once(':') {
                if name.trim().eq_ignore_ascii_case("authorization")
                    && let Some(t) = value.trim().strip_prefix("Bearer ")
                {
                    token = Some(t.trim().to_string());
                }
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let Some(mut req) = parse_request_line(&line) else { return };
        req.token = token;
        if length > MAX_BODY {
            return;
        }
        req.body = vec![0; length];
        if reader.read_exact(&mut req.body).await.is_err() {
            return;
        }
        lock(&inner.state).requests.push(line.trim_end().trim_end_matches(" HTTP/1.1").to_string());
        let sock = reader.get_mut();
        let keep = handle(&inner, sock, req).await.unwrap_or(false);
        if !keep {
            let _ = sock.shutdown().await;
            return;
        }
    }
}

/// Answers one request; false when the connection must close.
async fn handle(inner: &Arc<Inner>, sock: &mut TcpStream, req: Request) -> std::io::Result<bool> {
    while lock(&inner.state).frozen {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let starting = {
        let mut s = lock(&inner.state);
        let was = s.starting;
        s.starting = s.starting.saturating_sub(1);
        was > 0
    };
    if starting {
        let body = status(503, "ServiceUnavailable", "apiserver is starting".into(), json!({}));
        return respond(sock, 503, &body).await.map(|_| true);
    }
    // Authentication before anything else, discovery included (as kube-apiserver with
    // anonymous requests off): an unknown, revoked or expired token is 401.
    let Some(grant) = authenticate(inner, &req) else {
        let body = status(401, "Unauthorized", "Unauthorized".into(), json!({}));
        return respond(sock, 401, &body).await.map(|_| true);
    };
    let absent = lock(&inner.state).kubevirt_absent;
    if req.method != "GET" {
        let (code, body) = super::write::handle(inner, &req, absent, &grant);
        return respond(sock, code, &body).await.map(|_| true);
    }
    let not_found =
        || status(404, "NotFound", "the server could not find the requested resource".into(), json!({}));
    match req.path.as_str() {
        "/version" => {
            let v = json!({"major": "1", "minor": "31", "gitVersion": "v1.31.4+k3s1",
                "gitCommit": "a562d7904c35bde54bc43fbe1e4fc0d6cf3aa4d1", "gitTreeState": "clean",
                "buildDate": "2024-12-11T00:00:00Z", "goVersion": "go1.22.9", "compiler": "gc",
                "platform": "linux/amd64"});
            return respond(sock, 200, &v).await.map(|_| true);
        }
        "/api" => {
            let v = json!({"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]});
            return respond(sock, 200, &v).await.map(|_| true);
        }
        "/apis" => {
            let group = |name: &str| {
                json!({"name": name, "versions": [{"groupVersion": format!("{name}/v1"), "version": "v1"}],
                "preferredVersion": {"groupVersion": format!("{name}/v1"), "version": "v1"}})
            };
            let mut groups = vec![group("apps"), group("batch")];
            if !absent {
                groups.push(group("kubevirt.io"));
            }
            let v = json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups});
            return respond(sock, 200, &v).await.map(|_| true);
        }
        _ => {}
    }
    if let Some(list) = resource_list(&req.path, absent) {
        return respond(sock, 200, &list).await.map(|_| true);
    }
    let Some((res, ns)) = route(&req.path) else {
        return respond(sock, 404, &not_found()).await.map(|_| true);
    };
    if res.group == "kubevirt.io" && absent {
        return respond(sock, 404, &not_found()).await.map(|_| true);
    }
    let watching = matches!(req.query.get("watch").map(String::as_str), Some("true" | "1"));
    let verb = if watching { "watch" } else { "list" };
    if is_forbidden(inner, &res) || !grant.allows(verb, &res) {
        let scope =
            ns.as_ref().map_or("at the cluster scope".to_string(), |n| format!("in the namespace \"{n}\""));
        let user = &grant.user;
        let msg = format!(
            "{} is forbidden: User \"{user}\" cannot {verb} resource \"{}\" in API group \"{}\" {scope}",
            res.plural, res.plural, res.group
        );
        let body = status(403, "Forbidden", msg, json!({"group": res.group, "kind": res.plural}));
        return respond(sock, 403, &body).await.map(|_| true);
    }
    if !watching {
        let list = list_body(inner, &req, &res, &ns);
        return respond(sock, 200, &list).await.map(|_| true);
    }
    // A watch that ends cleanly (timeout, drop, 410) leaves the connection open for the
    // next request, as the real apiserver does: kube's pool reuses it, and a close here
    // without `Connection: close` would fail that request with IncompleteMessage.
    stream(inner, sock, &req, res, ns).await?;
    Ok(true)
}

/// `/api/v1` and `/apis/{group}/{version}`: the APIResourceList discovery reads.
fn resource_list(path: &str, kubevirt_absent: bool) -> Option<Value> {
    let gv = path.strip_prefix("/api/").or_else(|| path.strip_prefix("/apis/"))?.trim_end_matches('/');
    // Every group version `/api` and `/apis` list answers (apps and batch with nothing in them).
    let listed = matches!(gv, "v1" | "apps/v1" | "batch/v1") || (gv == "kubevirt.io/v1" && !kubevirt_absent);
    if !listed {
        return None;
    }
    let resources: Vec<Value> = ALL
        .into_iter()
        .filter(|r| r.api_version() == gv)
        .map(|r| {
            json!({"name": r.plural, "singularName": r.kind.to_lowercase(), "namespaced": r.namespaced,
                "kind": r.kind, "verbs": ["create", "delete", "deletecollection", "get", "list", "patch",
                "update", "watch"]})
        })
        .collect();
    Some(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}))
}

fn list_body(inner: &Inner, req: &Request, res: &Res, ns: &Option<String>) -> Value {
    let st = lock(&inner.state);
    let items: Vec<&Value> = st
        .objects
        .iter()
        .filter(|((p, _, _), o)| *p == res.plural && matches(req, res, ns, o))
        .map(|(_, o)| o)
        .collect();
    json!({"kind": format!("{}List", res.kind), "apiVersion": res.api_version(),
        "metadata": {"resourceVersion": st.rv.to_string()}, "items": items})
}

/// Changes after `last` for a watch: (events, expired, current rv, stream dropped).
fn pending(
    inner: &Inner,
    req: &Request,
    res: &Res,
    ns: &Option<String>,
    last: u64,
    epoch: u64,
) -> (Vec<Value>, bool, u64, bool) {
    let st = lock(&inner.state);
    let events: Vec<Value> = st
        .log
        .iter()
        .filter(|c| c.rv > last && c.res == *res && matches(req, res, ns, &c.obj))
        .map(|c| json!({"type": c.kind, "object": c.obj}))
        .collect();
    (events, last < st.floor, st.rv, st.epoch != epoch)
}

/// The grant of the request's bearer token; `None` when it has none the server knows.
fn authenticate(inner: &Inner, req: &Request) -> Option<Grant> {
    let mut st = lock(&inner.state);
    let token = req.token.as_ref()?;
    *st.token_uses.entry(token.clone()).or_default() += 1;
    st.tokens.get(token).cloned()
}

fn is_forbidden(inner: &Inner, res: &Res) -> bool {
    lock(&inner.state).forbidden.contains(res.plural)
}

async fn chunk(sock: &mut TcpStream, v: &Value) -> std::io::Result<()> {
    let mut text = serde_json::to_string(v).unwrap_or_default();
    text.push('\n');
    sock.write_all(format!("{:x}\r\n{text}\r\n", text.len()).as_bytes()).await
}

/// A watch: chunked events from `resourceVersion` on, bookmarks when idle.
async fn stream(
    inner: &Arc<Inner>,
    sock: &mut TcpStream,
    req: &Request,
    res: Res,
    ns: Option<String>,
) -> std::io::Result<()> {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    sock.write_all(head.as_bytes()).await?;
    let bookmarks = req.query.get("allowWatchBookmarks").is_some_and(|v| v == "true");
    let timeout = req.query.get("timeoutSeconds").and_then(|t| t.parse().ok()).unwrap_or(290u64);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    let mut changed = inner.changed.subscribe();
    let (mut last, epoch) = {
        let mut st = lock(&inner.state);
        st.open_watches += 1;
        (req.query.get("resourceVersion").and_then(|r| r.parse::<u64>().ok()).unwrap_or(0), st.epoch)
    };
    let result = async {
        if req.query.get("sendInitialEvents").is_some_and(|v| v == "true") {
            let listed = list_body(inner, req, &res, &ns);
            let objs = listed["items"].as_array().cloned().unwrap_or_default();
            let rv: u64 = listed["metadata"]["resourceVersion"].as_str().unwrap_or("0").parse().unwrap_or(0);
            for o in objs {
                chunk(sock, &json!({"type": "ADDED", "object": o})).await?;
            }
            let bm = json!({"type": "BOOKMARK", "object": {"kind": res.kind, "apiVersion": res.api_version(),
                "metadata": {"resourceVersion": rv.to_string(), "annotations": {"k8s.io/initial-events-end": "true"}}}});
            chunk(sock, &bm).await?;
            last = rv;
        } else if last == 0 {
            last = lock(&inner.state).rv;
        }
        loop {
            if lock(&inner.state).frozen {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            let (events, gone, now_rv, ended) = pending(inner, req, &res, &ns, last, epoch);
            if gone {
                lock(&inner.state).expired += 1;
                let msg = format!("too old resource version: {last} ({now_rv})");
                let err = status(410, "Expired", msg, json!({}));
                return chunk(sock, &json!({"type": "ERROR", "object": err})).await;
            }
            if ended || tokio::time::Instant::now() >= deadline {
                return Ok(());
            }
            for e in &events {
                chunk(sock, e).await?;
            }
            last = now_rv.max(last);
            match tokio::time::timeout(Duration::from_secs(1), changed.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return Ok(()),
                Err(_) if bookmarks => {
                    let bm = json!({"type": "BOOKMARK", "object": {"kind": res.kind, "apiVersion": res.api_version(),
                        "metadata": {"resourceVersion": last.to_string()}}});
                    chunk(sock, &bm).await?;
                }
                Err(_) => {}
            }
        }
    }
    .await;
    {
        let mut st = lock(&inner.state);
        st.open_watches = st.open_watches.saturating_sub(1);
    }
    if result.is_ok() {
        sock.write_all(b"0\r\n\r\n").await?;
    }
    result
}
