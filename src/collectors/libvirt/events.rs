//! libvirt's default event loop on its own thread, and the lifecycle/close callbacks
//! that turn into messages for a URI's worker thread.

use std::ffi::CStr;
use std::os::raw::{c_int, c_void};
use std::sync::OnceLock;
use std::sync::mpsc::Sender;
use virt::connect::Connect;
use virt_sys as sys;

/// What the event loop tells a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerMsg {
    Lifecycle {
        name: String,
        event: i32,
        detail: i32,
    },
    /// The connection dropped (daemon restart, keepalive timeout).
    Closed,
}

/// Registers libvirt's default event loop once and runs it on a thread of its own.
/// Must happen before the first connection is opened for that connection to get events.
pub fn ensure_event_loop() -> Result<(), String> {
    static STARTED: OnceLock<Result<(), String>> = OnceLock::new();
    STARTED
        .get_or_init(|| {
            virt::event::event_register_default_impl().map_err(|e| e.to_string())?;
            std::thread::Builder::new()
                .name("libvirt-events".into())
                .spawn(|| while virt::event::event_run_default_impl().is_ok() {})
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .clone()
}

/// A registration to undo before the connection is closed.
pub struct Registration {
    lifecycle: c_int,
    close: bool,
}

unsafe extern "C" fn lifecycle_cb(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    event: c_int,
    detail: c_int,
    opaque: *mut c_void,
) {
    // SAFETY: `opaque` is the boxed Sender given at registration, freed only by `free_sender`;
    // `dom` is valid for the duration of the callback.
    let (tx, name) = unsafe {
        let name = sys::virDomainGetName(dom);
        let name =
            if name.is_null() { String::new() } else { CStr::from_ptr(name).to_string_lossy().into_owned() };
        (&*(opaque as *const Sender<WorkerMsg>), name)
    };
    let _ = tx.send(WorkerMsg::Lifecycle { name, event, detail });
}

unsafe extern "C" fn close_cb(_conn: sys::virConnectPtr, _reason: c_int, opaque: *mut c_void) {
    // SAFETY: as in `lifecycle_cb`.
    let tx = unsafe { &*(opaque as *const Sender<WorkerMsg>) };
    let _ = tx.send(WorkerMsg::Closed);
}

unsafe extern "C" fn free_sender(opaque: *mut c_void) {
    // SAFETY: created by `Box::into_raw` in `register`, freed once by libvirt.
    drop(unsafe { Box::from_raw(opaque as *mut Sender<WorkerMsg>) });
}

type LifecycleFn = unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, c_int, c_int, *mut c_void);
type GenericFn = unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, *mut c_void);

/// Subscribes `tx` to every domain's lifecycle events and to the connection closing.
pub fn register(conn: &Connect, tx: &Sender<WorkerMsg>) -> Result<Registration, String> {
    let opaque = Box::into_raw(Box::new(tx.clone())) as *mut c_void;
    // SAFETY: libvirt calls lifecycle callbacks with the 5-argument signature for
    // VIR_DOMAIN_EVENT_ID_LIFECYCLE (the C API's VIR_DOMAIN_EVENT_CALLBACK cast).
    let cb = unsafe { std::mem::transmute::<LifecycleFn, GenericFn>(lifecycle_cb) };
    // SAFETY: valid connection; `opaque` is owned by libvirt from here on and freed by `free_sender`.
    let id = unsafe {
        sys::virConnectDomainEventRegisterAny(
            conn.as_ptr(),
            std::ptr::null_mut(),
            sys::VIR_DOMAIN_EVENT_ID_LIFECYCLE as c_int,
            Some(cb),
            opaque,
            Some(free_sender),
        )
    };
    if id < 0 {
        // SAFETY: libvirt did not take ownership on failure.
        unsafe { free_sender(opaque) };
        return Err(virt::error::Error::last_error().to_string());
    }
    let close_opaque = Box::into_raw(Box::new(tx.clone())) as *mut c_void;
    // SAFETY: as above; drivers without close callbacks (test://) simply refuse.
    let close = unsafe {
        sys::virConnectSetKeepAlive(conn.as_ptr(), 5, 3);
        sys::virConnectRegisterCloseCallback(conn.as_ptr(), Some(close_cb), close_opaque, Some(free_sender))
            == 0
    };
    if !close {
        // SAFETY: not taken by libvirt.
        unsafe { free_sender(close_opaque) };
    }
    Ok(Registration { lifecycle: id, close })
}

/// Undoes `register`; errors are ignored (the connection may already be dead).
pub fn deregister(conn: &Connect, reg: Registration) {
    // SAFETY: ids come from `register` on this connection.
    unsafe {
        sys::virConnectDomainEventDeregisterAny(conn.as_ptr(), reg.lifecycle);
        if reg.close {
            sys::virConnectUnregisterCloseCallback(conn.as_ptr(), Some(close_cb));
        }
    }
}

/// libvirt's lifecycle event as the feed words it: (kind, detail). Migrations and crashes
/// are named as such whichever event carries them (stopped/crashed → crashed, …).
pub fn describe(event: i32, detail: i32) -> (&'static str, &'static str) {
    match raw_words(event, detail) {
        ("started", "migrated") => ("migrated", "arrived"),
        ("stopped", "migrated") => ("migrated", "left"),
        ("suspended", "migrated") => ("migrating", "paused"),
        ("resumed", "migrated") => ("migrated", "resumed"),
        ("stopped", "crashed") => ("crashed", "stopped"),
        other => other,
    }
}

fn raw_words(event: i32, detail: i32) -> (&'static str, &'static str) {
    let pick = |words: &'static [&'static str]| words.get(detail as usize).copied().unwrap_or("");
    match event {
        0 => ("defined", pick(&["added", "updated", "renamed", "from snapshot"])),
        1 => ("undefined", pick(&["removed", "renamed"])),
        2 => ("started", pick(&["booted", "migrated", "restored", "from snapshot", "wakeup"])),
        3 => (
            "suspended",
            pick(&[
                "paused",
                "migrated",
                "ioerror",
                "watchdog",
                "restored",
                "from snapshot",
                "api error",
                "postcopy",
                "postcopy failed",
            ]),
        ),
        4 => ("resumed", pick(&["unpaused", "migrated", "from snapshot", "postcopy"])),
        5 => (
            "stopped",
            pick(&["shutdown", "destroyed", "crashed", "migrated", "saved", "failed", "from snapshot"]),
        ),
        6 => ("shutdown", pick(&["finished", "guest", "host"])),
        7 => ("pmsuspended", pick(&["memory", "disk"])),
        8 => ("crashed", pick(&["panicked", "crashloaded"])),
        _ => ("event", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use virt_sys as sys;

    #[test]
    fn numbers_are_libvirts() {
        let ev = |e: sys::virDomainEventType, d: u32| describe(e as i32, d as i32);
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_SUSPENDED, sys::VIR_DOMAIN_EVENT_SUSPENDED_IOERROR),
            ("suspended", "ioerror")
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_STOPPED, sys::VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
            ("stopped", "destroyed")
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_STOPPED, sys::VIR_DOMAIN_EVENT_STOPPED_FAILED),
            ("stopped", "failed")
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_STARTED, sys::VIR_DOMAIN_EVENT_STARTED_WAKEUP),
            ("started", "wakeup")
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_CRASHED, sys::VIR_DOMAIN_EVENT_CRASHED_PANICKED),
            ("crashed", "panicked")
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_SHUTDOWN, sys::VIR_DOMAIN_EVENT_SHUTDOWN_GUEST),
            ("shutdown", "guest")
        );
    }

    #[test]
    fn words_for_events() {
        assert_eq!(describe(2, 0), ("started", "booted"));
        assert_eq!(describe(5, 1), ("stopped", "destroyed"));
        assert_eq!(describe(5, 2), ("crashed", "stopped"));
        assert_eq!(describe(2, 1), ("migrated", "arrived"));
        assert_eq!(describe(5, 3), ("migrated", "left"));
        assert_eq!(describe(3, 2), ("suspended", "ioerror"));
        assert_eq!(describe(8, 0), ("crashed", "panicked"));
        assert_eq!(describe(42, 9), ("event", ""));
        assert_eq!(describe(2, 99), ("started", ""));
    }
}
