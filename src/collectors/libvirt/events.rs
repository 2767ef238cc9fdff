//! libvirt's default event loop on its own thread, and the lifecycle/close callbacks
//! that turn into messages for a URI's worker thread.

use super::error::LibvirtError;
use crate::model::guests::{EventDetail, EventKind};
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
    /// The connection dropped (daemon restart, keepalive timeout): libvirt's
    /// `virConnectCloseReason` (1 = keepalive: the daemon stopped answering).
    Closed(i32),
}

/// Registers libvirt's default event loop once and runs it on a thread of its own.
/// Must happen before the first connection is opened for that connection to get events.
pub fn ensure_event_loop() -> Result<(), LibvirtError> {
    static STARTED: OnceLock<Result<(), LibvirtError>> = OnceLock::new();
    let failed = |detail: String| LibvirtError::EventLoop { detail };
    STARTED
        .get_or_init(|| {
            virt::event::event_register_default_impl().map_err(|e| failed(e.to_string()))?;
            std::thread::Builder::new()
                .name("libvirt-events".into())
                .spawn(|| while virt::event::event_run_default_impl().is_ok() {})
                .map(|_| ())
                .map_err(|e| failed(format!("no thread: {e}")))
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

unsafe extern "C" fn close_cb(_conn: sys::virConnectPtr, reason: c_int, opaque: *mut c_void) {
    // SAFETY: as in `lifecycle_cb`.
    let tx = unsafe { &*(opaque as *const Sender<WorkerMsg>) };
    let _ = tx.send(WorkerMsg::Closed(reason));
}

unsafe extern "C" fn free_sender(opaque: *mut c_void) {
    // SAFETY: created by `Box::into_raw` in `register`, freed once by libvirt.
    drop(unsafe { Box::from_raw(opaque as *mut Sender<WorkerMsg>) });
}

type LifecycleFn = unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, c_int, c_int, *mut c_void);
type GenericFn = unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, *mut c_void);

/// Subscribes `tx` to every domain's lifecycle events and to the connection closing.
pub fn register(conn: &Connect, tx: &Sender<WorkerMsg>) -> Result<Registration, LibvirtError> {
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
        return Err(virt::error::Error::last_error().into());
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

/// libvirt's lifecycle event as the feed names it: (kind, detail). Migrations and crashes
/// are named as such whichever event carries them (stopped/crashed → crashed, …).
pub fn describe(event: i32, detail: i32) -> (EventKind, EventDetail) {
    use EventDetail as D;
    use EventKind as K;
    match raw(event, detail) {
        (K::Started, D::Migrated) => (K::Migrated, D::Arrived),
        (K::Stopped, D::Migrated) => (K::Migrated, D::Left),
        (K::Suspended, D::Migrated) => (K::Migrating, D::Paused),
        (K::Resumed, D::Migrated) => (K::Migrated, D::Resumed),
        (K::Stopped, D::Crashed) => (K::Crashed, D::Stopped),
        other => other,
    }
}

/// libvirt's numbers (`virDomainEventType` and its `*DetailType` enums) as they are.
fn raw(event: i32, detail: i32) -> (EventKind, EventDetail) {
    use EventDetail as D;
    use EventKind as K;
    let pick = |details: &[EventDetail]| usize::try_from(detail).ok().and_then(|i| details.get(i).copied());
    let (kind, detail) = match event {
        0 => (K::Defined, pick(&[D::Added, D::Updated, D::Renamed, D::FromSnapshot])),
        1 => (K::Undefined, pick(&[D::Removed, D::Renamed])),
        2 => (K::Started, pick(&[D::Booted, D::Migrated, D::Restored, D::FromSnapshot, D::Wakeup])),
        3 => (
            K::Suspended,
            pick(&[
                D::Paused,
                D::Migrated,
                D::IoError,
                D::Watchdog,
                D::Restored,
                D::FromSnapshot,
                D::ApiError,
                D::Postcopy,
                D::PostcopyFailed,
            ]),
        ),
        4 => (K::Resumed, pick(&[D::Unpaused, D::Migrated, D::FromSnapshot, D::Postcopy])),
        5 => (
            K::Stopped,
            pick(&[D::Shutdown, D::Destroyed, D::Crashed, D::Migrated, D::Saved, D::Failed, D::FromSnapshot]),
        ),
        6 => (K::Shutdown, pick(&[D::Finished, D::Guest, D::Host])),
        7 => (K::PmSuspended, pick(&[D::Memory, D::Disk])),
        8 => (K::Crashed, pick(&[D::Panicked, D::Crashloaded])),
        _ => (K::Other, None),
    };
    (kind, detail.unwrap_or(D::None))
}

#[cfg(test)]
mod tests {
    use super::describe;
    use crate::model::guests::{EventDetail as D, EventKind as K};
    use virt_sys as sys;

    #[test]
    fn numbers_are_libvirts() {
        let ev = |e: sys::virDomainEventType, d: u32| describe(e as i32, d as i32);
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_SUSPENDED, sys::VIR_DOMAIN_EVENT_SUSPENDED_IOERROR),
            (K::Suspended, D::IoError)
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_SUSPENDED, sys::VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED),
            (K::Suspended, D::PostcopyFailed)
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_STOPPED, sys::VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
            (K::Stopped, D::Destroyed)
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_STOPPED, sys::VIR_DOMAIN_EVENT_STOPPED_FAILED),
            (K::Stopped, D::Failed)
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_STARTED, sys::VIR_DOMAIN_EVENT_STARTED_WAKEUP),
            (K::Started, D::Wakeup)
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_CRASHED, sys::VIR_DOMAIN_EVENT_CRASHED_CRASHLOADED),
            (K::Crashed, D::Crashloaded)
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_SHUTDOWN, sys::VIR_DOMAIN_EVENT_SHUTDOWN_HOST),
            (K::Shutdown, D::Host)
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_PMSUSPENDED, sys::VIR_DOMAIN_EVENT_PMSUSPENDED_DISK),
            (K::PmSuspended, D::Disk)
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_DEFINED, sys::VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT),
            (K::Defined, D::FromSnapshot)
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_UNDEFINED, sys::VIR_DOMAIN_EVENT_UNDEFINED_RENAMED),
            (K::Undefined, D::Renamed)
        );
        assert_eq!(
            ev(sys::VIR_DOMAIN_EVENT_RESUMED, sys::VIR_DOMAIN_EVENT_RESUMED_POSTCOPY),
            (K::Resumed, D::Postcopy)
        );
    }

    #[test]
    fn migrations_and_crashes_are_named_as_such() {
        assert_eq!(describe(2, 0), (K::Started, D::Booted));
        assert_eq!(describe(2, 1), (K::Migrated, D::Arrived));
        assert_eq!(describe(5, 3), (K::Migrated, D::Left));
        assert_eq!(describe(3, 1), (K::Migrating, D::Paused));
        assert_eq!(describe(4, 1), (K::Migrated, D::Resumed));
        assert_eq!(describe(5, 2), (K::Crashed, D::Stopped));
        assert_eq!(describe(8, 0), (K::Crashed, D::Panicked));
    }

    #[test]
    fn unknown_numbers_are_kept_apart() {
        assert_eq!(describe(42, 9), (K::Other, D::None));
        assert_eq!(describe(2, 99), (K::Started, D::None));
        assert_eq!(describe(2, -1), (K::Started, D::None));
        assert_eq!((K::Other.label(), D::None.label()), ("event", ""));
    }
}
