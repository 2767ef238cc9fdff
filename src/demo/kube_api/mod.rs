//! A fake Kubernetes API server: real HTTP/1.1 on 127.0.0.1 speaking the list/watch
//! protocol kube-rs uses (resourceVersion, chunked watch streams, bookmarks, the
//! `k8s.io/initial-events-end` bookmark of streaming lists, 410 Expired after a compaction,
//! 403/404 Status objects) and, like a real API server, authentication and a tiny RBAC: every
//! request needs a bearer token the server knows (401 otherwise), and a token may only do the
//! (verb, resource) pairs of its [`Grant`] (403 Forbidden with a Status otherwise). It runs on its own runtime thread, so sync tests, async tests, a
//! child process (the real binary in tmux) and `--demo` can all talk to it. Plain JSON and
//! tokio: no kube types, so it is built with or without the `kubernetes` feature.
//! (tests/support/kube_api.rs adds the test fixtures.)

mod http;
mod write;

use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::AbortHandle;

/// A resource the server serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Res {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
}

const fn core(plural: &'static str, kind: &'static str, namespaced: bool) -> Res {
    Res { group: "", version: "v1", plural, kind, namespaced }
}
const fn kubevirt(plural: &'static str, kind: &'static str) -> Res {
    Res { group: "kubevirt.io", version: "v1", plural, kind, namespaced: true }
}

pub const NODES: Res = core("nodes", "Node", false);
pub const PODS: Res = core("pods", "Pod", true);
pub const SERVICES: Res = core("services", "Service", true);
pub const PVCS: Res = core("persistentvolumeclaims", "PersistentVolumeClaim", true);
pub const EVENTS: Res = core("events", "Event", true);
pub const VMS: Res = kubevirt("virtualmachines", "VirtualMachine");
pub const VMIS: Res = kubevirt("virtualmachineinstances", "VirtualMachineInstance");
pub const VMIMS: Res = kubevirt("virtualmachineinstancemigrations", "VirtualMachineInstanceMigration");
pub const ALL: [Res; 8] = [NODES, PODS, SERVICES, PVCS, EVENTS, VMS, VMIS, VMIMS];

impl Res {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.into() } else { format!("{}/{}", self.group, self.version) }
    }
}

/// The token [`FakeApi::kubeconfig_in`] writes; it may do everything.
pub const ADMIN_TOKEN: &str = "fake-token";

/// What one bearer token may do: the user it authenticates as, and either every verb on every
/// resource or only the listed (verb, resource) pairs, as RBAC names them: verbs `get`, `list`,
/// `watch`, `create`, `update`, `patch`; resources by plural, subresources as
/// `virtualmachines/start`. Reads and writes are both checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub user: String,
    rules: Option<HashSet<(String, String)>>,
}

impl Grant {
    /// Every verb on every resource.
    pub fn admin(user: &str) -> Grant {
        Grant { user: user.to_string(), rules: None }
    }

    /// Only these (verb, resource) pairs.
    pub fn only(user: &str, rules: &[(&str, &Res)]) -> Grant {
        let rules = rules.iter().map(|(v, r)| (v.to_string(), r.plural.to_string())).collect();
        Grant { user: user.to_string(), rules: Some(rules) }
    }

    /// Only these (verb, resource or `resource/subresource`) pairs, e.g. a ClusterRole's rules.
    pub fn rules(user: &str, rules: impl IntoIterator<Item = (String, String)>) -> Grant {
        Grant { user: user.to_string(), rules: Some(rules.into_iter().collect()) }
    }

    /// get, list and watch on each of `resources`, nothing else.
    pub fn read_only(user: &str, resources: &[Res]) -> Grant {
        let rules: Vec<(&str, &Res)> =
            resources.iter().flat_map(|r| ["get", "list", "watch"].map(|v| (v, r))).collect();
        Grant::only(user, &rules)
    }

    pub fn allows(&self, verb: &str, res: &Res) -> bool {
        self.allows_named(verb, res.plural)
    }

    /// `verb` on `resource` (a plural, or `plural/subresource`).
    pub fn allows_named(&self, verb: &str, resource: &str) -> bool {
        self.rules.as_ref().is_none_or(|r| r.contains(&(verb.to_string(), resource.to_string())))
    }
}

/// One change, as a watch sends it.
struct Change {
    rv: u64,
    res: Res,
    kind: &'static str,
    obj: Value,
}

#[derive(Default)]
struct State {
    rv: u64,
    objects: BTreeMap<(&'static str, String, String), Value>,
    log: Vec<Change>,
    /// Watches from a resourceVersion below this get 410 Expired (after `compact`, or when
    /// the log passed `MAX_LOG` and its older half was forgotten).
    floor: u64,
    forbidden: HashSet<&'static str>,
    /// The bearer tokens the server accepts; any other (or none) is 401 Unauthorized.
    tokens: HashMap<String, Grant>,
    /// Requests made with each token (unknown ones too).
    token_uses: HashMap<String, usize>,
    kubevirt_absent: bool,
    requests: Vec<String>,
    /// Writes answered (method, path, body), in order: what a client asked to change.
    writes: Vec<(String, String, Value)>,
    /// Names made from `generateName`.
    generated: u64,
    open_watches: usize,
    /// 410 Expired errors sent to watches.
    expired: usize,
    /// Bumped by `drop_watches`: every open stream ends.
    epoch: u64,
    /// Requests still answered 503 (a kube-apiserver starting up, before its caches fill).
    starting: usize,
    /// SIGSTOPped: connections accepted, nothing answered, watches silent (no bookmarks).
    frozen: bool,
}

struct Inner {
    state: Mutex<State>,
    /// Bumped on every change, waking the watch streams.
    changed: watch::Sender<u64>,
    port: u16,
    rt: tokio::runtime::Handle,
    tasks: Mutex<Vec<AbortHandle>>,
}

pub struct FakeApi {
    inner: Arc<Inner>,
    /// Owned here, not by `Inner` (which the connection tasks share), so it is shut down
    /// from `Drop` and never dropped on one of its own threads.
    rt: Option<tokio::runtime::Runtime>,
}

/// Changes remembered for watches to resume from; past this the older half is forgotten,
/// as etcd compacts (a server left running, as `--demo` is, stays bounded).
const MAX_LOG: usize = 20_000;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn status(code: u16, reason: &str, message: String, details: Value) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": message, "reason": reason, "details": details, "code": code})
}

impl FakeApi {
    /// Listens on an ephemeral port of 127.0.0.1, on a runtime thread of its own.
    pub fn bind() -> io::Result<FakeApi> {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = std_listener.local_addr()?.port();
        let (changed, _) = watch::channel(0);
        let handle = rt.handle().clone();
        let mut state = State::default();
        state.tokens.insert(ADMIN_TOKEN.to_string(), Grant::admin("system:serviceaccount:default:console"));
        let inner =
            Arc::new(Inner { state: Mutex::new(state), changed, port, rt: handle, tasks: Mutex::default() });
        let api = FakeApi { inner, rt: Some(rt) };
        std_listener.set_nonblocking(true)?;
        api.serve(std_listener)?;
        Ok(api)
    }

    fn serve(&self, l: std::net::TcpListener) -> io::Result<()> {
        let inner = self.inner.clone();
        let _guard = self.inner.rt.enter();
        let listener = TcpListener::from_std(l)?;
        let h = self.inner.rt.spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let i = inner.clone();
                let t = inner.rt.spawn(async move { http::connection(i, sock).await });
                lock(&inner.tasks).push(t.abort_handle());
            }
        });
        lock(&self.inner.tasks).push(h.abort_handle());
        Ok(())
    }

    /// Loads objects of one kind (a `List`'s items).
    pub fn load_items(&self, res: &Res, items: &[Value]) {
        for item in items {
            self.put(res, item.clone());
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.inner.port)
    }

    /// A kubeconfig (JSON is YAML) pointing at the server, with the admin bearer token,
    /// written into `dir` as kubeconfig.yaml.
    pub fn kubeconfig_in(&self, dir: &Path) -> io::Result<PathBuf> {
        self.kubeconfig_with_token(dir, ADMIN_TOKEN)
    }

    /// The same with `token`, replacing the file at once (written beside it, then renamed, as
    /// the module's token service does).
    pub fn kubeconfig_with_token(&self, dir: &Path, token: &str) -> io::Result<PathBuf> {
        let kc = json!({
            "apiVersion": "v1", "kind": "Config",
            "clusters": [{"name": "fake", "cluster": {"server": self.url()}}],
            "users": [{"name": "console", "user": {"token": token}}],
            "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "console"}}],
            "current-context": "fake"
        });
        let p = dir.join("kubeconfig.yaml");
        let tmp = dir.join(".kubeconfig.yaml.new");
        std::fs::write(&tmp, serde_json::to_string_pretty(&kc).map_err(io::Error::other)?)?;
        std::fs::rename(&tmp, &p)?;
        Ok(p)
    }

    /// Accepts `token` from now on, with what it may do.
    pub fn grant(&self, token: &str, grant: Grant) {
        self.change(|s| _ = s.tokens.insert(token.to_string(), grant));
    }

    /// Forgets `token` (revoked, or expired): its requests are 401 from now on. Open watches
    /// end, as they would at their timeout, so a watcher using it learns at once.
    pub fn revoke(&self, token: &str) {
        self.change(|s| {
            s.tokens.remove(token);
            s.epoch += 1;
        });
    }

    /// How many requests carried `token`.
    pub fn token_uses(&self, token: &str) -> usize {
        lock(&self.inner.state).token_uses.get(token).copied().unwrap_or(0)
    }

    fn change(&self, f: impl FnOnce(&mut State)) {
        self.inner.change(f);
    }

    pub fn set_kubevirt(&self, served: bool) {
        self.change(|s| s.kubevirt_absent = !served);
    }

    pub fn forbid(&self, res: &Res, forbidden: bool) {
        self.change(|s| {
            if forbidden {
                s.forbidden.insert(res.plural);
            } else {
                s.forbidden.remove(res.plural);
            }
        });
    }

    /// Adds or replaces an object; returns its new resourceVersion.
    pub fn put(&self, res: &Res, obj: Value) -> u64 {
        self.inner.put(res, obj)
    }

    pub fn delete(&self, res: &Res, namespace: Option<&str>, name: &str) -> bool {
        self.inner.delete(res, namespace, name)
    }

    pub fn get(&self, res: &Res, namespace: Option<&str>, name: &str) -> Option<Value> {
        self.inner.get(res, namespace, name)
    }

    /// The writes clients made (method, path, body), in order.
    pub fn writes(&self) -> Vec<(String, String, Value)> {
        lock(&self.inner.state).writes.clone()
    }

    /// Forgets the change history, as etcd's compaction after a write elsewhere in the
    /// cluster: a watch from any resourceVersion handed out so far gets 410 Expired.
    pub fn compact(&self) {
        self.change(|s| {
            s.rv += 1;
            s.floor = s.rv;
            s.log.clear();
        });
    }

    /// Ends every open watch stream cleanly; the server stays up.
    pub fn drop_watches(&self) {
        self.change(|s| s.epoch += 1);
    }

    /// Stops listening and cuts every connection.
    pub fn stop(&self) {
        for t in lock(&self.inner.tasks).drain(..) {
            t.abort();
        }
        lock(&self.inner.state).open_watches = 0;
    }

    /// Listens again on the same port, with the same objects (trying for 5 s while the
    /// port is still taken).
    pub fn restart(&self) -> io::Result<()> {
        let addr = format!("127.0.0.1:{}", self.inner.port);
        let mut last = None;
        for _ in 0..50 {
            match std::net::TcpListener::bind(&addr) {
                Ok(l) => {
                    l.set_nonblocking(true)?;
                    return self.serve(l);
                }
                Err(e) => last = Some(e),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(last.unwrap_or_else(|| io::Error::other("the port stayed taken")))
    }

    /// A restart as a real kube-apiserver does it (same etcd, fresh watch cache): the change
    /// history is gone, so watches resumed at an older resourceVersion get 410 Expired, and
    /// the first `starting` requests are answered 503 while it comes up.
    pub fn restart_fresh(&self, starting: usize) -> io::Result<()> {
        self.compact();
        self.change(|s| s.starting = starting);
        self.restart()
    }

    /// Freezes (or thaws) the server as SIGSTOP would: nothing is answered meanwhile.
    pub fn freeze(&self, frozen: bool) {
        lock(&self.inner.state).frozen = frozen;
    }

    pub fn requests(&self) -> Vec<String> {
        lock(&self.inner.state).requests.clone()
    }

    /// How many watches were told 410 Expired.
    pub fn expired_count(&self) -> usize {
        lock(&self.inner.state).expired
    }

    pub fn watch_count(&self) -> usize {
        lock(&self.inner.state).open_watches
    }
}

impl Inner {
    fn change(&self, f: impl FnOnce(&mut State)) {
        f(&mut lock(&self.state));
        self.changed.send_modify(|v| *v += 1);
    }

    fn put(&self, res: &Res, mut obj: Value) -> u64 {
        let mut rv = 0;
        self.change(|s| {
            s.rv += 1;
            rv = s.rv;
            let ns = obj["metadata"]["namespace"].as_str().unwrap_or("").to_string();
            let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
            if !obj["metadata"].is_object() {
                obj["metadata"] = json!({});
            }
            let Some(meta) = obj["metadata"].as_object_mut() else { return };
            meta.insert("resourceVersion".into(), json!(rv.to_string()));
            meta.entry("uid").or_insert_with(|| json!(format!("00000000-0000-4000-8000-{rv:012}")));
            meta.entry("creationTimestamp").or_insert_with(|| json!("2026-11-22T08:00:00Z"));
            obj["apiVersion"] = json!(res.api_version());
            obj["kind"] = json!(res.kind);
            let old = s.objects.insert((res.plural, ns, name), obj.clone());
            let kind = if old.is_some() { "MODIFIED" } else { "ADDED" };
            s.log.push(Change { rv, res: *res, kind, obj });
            s.trim_log();
        });
        rv
    }

    fn delete(&self, res: &Res, namespace: Option<&str>, name: &str) -> bool {
        let mut found = false;
        self.change(|s| {
            let key = (res.plural, namespace.unwrap_or("").to_string(), name.to_string());
            if let Some(mut obj) = s.objects.remove(&key) {
                s.rv += 1;
                obj["metadata"]["resourceVersion"] = json!(s.rv.to_string());
                s.log.push(Change { rv: s.rv, res: *res, kind: "DELETED", obj });
                s.trim_log();
                found = true;
            }
        });
        found
    }

    fn get(&self, res: &Res, namespace: Option<&str>, name: &str) -> Option<Value> {
        let key = (res.plural, namespace.unwrap_or("").to_string(), name.to_string());
        lock(&self.state).objects.get(&key).cloned()
    }
}

impl State {
    fn trim_log(&mut self) {
        if self.log.len() > MAX_LOG {
            let forget = self.log.len() / 2;
            self.floor = self.log[forget].rv;
            self.log.drain(..forget);
        }
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.stop();
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}
