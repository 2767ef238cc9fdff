//! The fake API server's bytes on the wire, read with a plain socket: keep-alive, Content-Length
//! bodies, chunked watch streams of one JSON event per line, the 410 Expired ERROR event and the
//! final chunk, as the real apiserver sends them.

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::time::Duration;
use support::kube_api::{FakeApi, NODES, PODS};

fn loaded() -> FakeApi {
    let api = FakeApi::start();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kube");
    api.load(&NODES, &dir.join("nodes.json"));
    api.load(&PODS, &dir.join("pods.json"));
    api
}

/// Reads one HTTP/1.1 response head; returns (status line, headers lowercased).
fn head(r: &mut impl BufRead) -> (String, Vec<String>) {
    let mut status = String::new();
    r.read_line(&mut status).unwrap();
    let mut headers = vec![];
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        if h == "\r\n" {
            return (status.trim_end().to_string(), headers);
        }
        headers.push(h.trim_end().to_ascii_lowercase());
    }
}

/// One chunk of a chunked body: `Some(event)` for a JSON line, `None` for the final chunk.
fn chunk(r: &mut impl BufRead) -> Option<Value> {
    let mut size = String::new();
    r.read_line(&mut size).unwrap();
    let mut data = vec![0; usize::from_str_radix(size.trim_end(), 16).unwrap() + 2];
    r.read_exact(&mut data).unwrap();
    if data == b"\r\n" {
        return None;
    }
    assert!(data.ends_with(b"\n\r\n"), "one JSON event per line");
    Some(serde_json::from_slice(&data).unwrap())
}

#[test]
fn the_wire_format_keep_alive_chunked_json_lines_and_410() {
    let api = loaded();
    let addr = api.url().trim_start_matches("http://").to_string();
    let sock = std::net::TcpStream::connect(&addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut r = BufReader::new(sock.try_clone().unwrap());
    let mut w = sock;
    // Two requests on one connection: Content-Length bodies, the connection kept.
    for path in ["/version", "/api/v1/nodes?labelSelector=node-role.kubernetes.io%2Fcontrol-plane%3Dtrue"] {
        write!(w, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer fake-token\r\nAccept: application/json\r\n\r\n").unwrap();
        let (status, headers) = head(&mut r);
        assert_eq!(status, "HTTP/1.1 200 OK");
        let len: usize =
            headers.iter().find_map(|h| h.strip_prefix("content-length: ")?.parse().ok()).unwrap();
        let mut body = vec![0; len];
        r.read_exact(&mut body).unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        if path.starts_with("/api/v1/nodes") {
            assert_eq!(v["kind"], "NodeList");
            assert_eq!(v["items"].as_array().unwrap().len(), 1, "only hv1 is the control plane");
            assert_eq!(v["items"][0]["metadata"]["name"], "hv1");
        }
    }
    // A watch from a compacted resourceVersion: 200, then one ERROR line, then the end.
    api.compact();
    write!(w, "GET /api/v1/pods?watch=true&resourceVersion=1 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer fake-token\r\n\r\n").unwrap();
    let (status, headers) = head(&mut r);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(headers.contains(&"transfer-encoding: chunked".to_string()), "{headers:?}");
    assert!(headers.contains(&"content-type: application/json".to_string()), "{headers:?}");
    let e = chunk(&mut r).unwrap();
    assert_eq!(e["type"], "ERROR");
    let s = &e["object"];
    assert_eq!(
        (s["kind"].as_str(), s["status"].as_str(), s["code"].as_u64()),
        (Some("Status"), Some("Failure"), Some(410))
    );
    assert_eq!(s["reason"], "Expired");
    assert!(chunk(&mut r).is_none(), "the stream ends with the last chunk");
    // The connection stays open after a watch, as the real apiserver's does: a streaming
    // list on it sends every node as ADDED, then the initial-events-end bookmark.
    let q = "watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1";
    write!(w, "GET /api/v1/nodes?{q} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer fake-token\r\n\r\n")
        .unwrap();
    assert_eq!(head(&mut r).0, "HTTP/1.1 200 OK");
    let added: Vec<Value> = (0..3).map(|_| chunk(&mut r).unwrap()).collect();
    assert!(added.iter().all(|e| e["type"] == "ADDED" && e["object"]["kind"] == "Node"), "{added:?}");
    let b = chunk(&mut r).unwrap();
    assert_eq!((b["type"].as_str(), b["object"]["kind"].as_str()), (Some("BOOKMARK"), Some("Node")));
    assert_eq!(b["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
    assert!(b["object"]["metadata"]["resourceVersion"].as_str().unwrap().parse::<u64>().is_ok());
    // Idle until timeoutSeconds: plain bookmarks, then the end.
    while let Some(e) = chunk(&mut r) {
        assert_eq!(e["type"], "BOOKMARK");
        assert!(e["object"]["metadata"]["annotations"].is_null());
    }
}

/// One request on a fresh connection; (status line, JSON body).
fn get(api: &FakeApi, path: &str, token: Option<&str>) -> (String, Value) {
    let addr = api.url().trim_start_matches("http://").to_string();
    let sock = std::net::TcpStream::connect(&addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut r = BufReader::new(sock.try_clone().unwrap());
    let mut w = sock;
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(w, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}\r\n").unwrap();
    let (status, headers) = head(&mut r);
    let len: usize = headers.iter().find_map(|h| h.strip_prefix("content-length: ")?.parse().ok()).unwrap();
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

/// Authentication, then a tiny RBAC, as kube-apiserver: no token or an unknown (revoked,
/// expired) one is 401 on every path, discovery included; a known token may do what its grant
/// says and gets 403 with a Status naming its user for the rest.
#[test]
fn tokens_are_authenticated_and_their_grants_enforced() {
    let api = loaded();
    for token in [None, Some("nobody")] {
        for path in ["/version", "/apis", "/api/v1/nodes"] {
            let (status, v) = get(&api, path, token);
            assert_eq!(status, "HTTP/1.1 401 Unauthorized", "{path} {token:?}");
            assert_eq!((v["kind"].as_str(), v["code"].as_u64()), (Some("Status"), Some(401)));
            assert_eq!(v["reason"], "Unauthorized");
        }
    }
    let user = "system:serviceaccount:kube-system:hypervisor-tui";
    api.grant("nodes-only", support::kube_api::Grant::read_only(user, &[NODES]));
    assert_eq!(get(&api, "/version", Some("nodes-only")).0, "HTTP/1.1 200 OK");
    let (status, v) = get(&api, "/api/v1/nodes", Some("nodes-only"));
    assert_eq!((status.as_str(), v["kind"].as_str()), ("HTTP/1.1 200 OK", Some("NodeList")));
    let (status, v) = get(&api, "/api/v1/pods?watch=true", Some("nodes-only"));
    assert_eq!(status, "HTTP/1.1 403 Forbidden");
    assert_eq!((v["code"].as_u64(), v["reason"].as_str()), (Some(403), Some("Forbidden")));
    assert_eq!(
        v["message"],
        format!(
            "pods is forbidden: User \"{user}\" cannot watch resource \"pods\" in API group \"\" at the cluster scope"
        )
    );
    api.revoke("nodes-only");
    assert_eq!(get(&api, "/api/v1/nodes", Some("nodes-only")).0, "HTTP/1.1 401 Unauthorized");
    assert_eq!(api.token_uses("nodes-only"), 4, "every request carrying it counted");
}
