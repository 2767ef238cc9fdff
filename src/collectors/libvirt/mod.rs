//! The libvirt source: read-only connections, off the async runtime.
//! One thread per URI (`worker`), libvirt's event loop on another (`events`).
//! Built without the `libvirt` cargo feature (no libvirt-dev needed), the source says
//! "not built in" and lists nothing (`not_built`).

pub mod domain_xml;
#[cfg(feature = "libvirt")]
pub mod error;
#[cfg(feature = "libvirt")]
pub mod events;
// Always compiled, so its behaviour is unit-tested in every build; used without the feature.
#[cfg_attr(feature = "libvirt", allow(dead_code))]
mod not_built;
#[cfg(feature = "libvirt")]
pub mod refresh;
#[cfg(feature = "libvirt")]
pub mod socket_watch;
#[cfg(feature = "libvirt")]
mod source;
#[cfg(feature = "libvirt")]
pub mod status;
#[cfg(feature = "libvirt")]
pub mod worker;

use crate::event::Health;
use crate::model::guests::Guest;
#[cfg(not(feature = "libvirt"))]
pub use not_built::*;
#[cfg(feature = "libvirt")]
pub use source::*;

/// `list_once` off the runtime.
pub async fn list_once_async(uris: Vec<String>) -> (Option<Vec<Guest>>, Health) {
    tokio::task::spawn_blocking(move || list_once(&uris))
        .await
        .unwrap_or_else(|e| (None, Health::Error(format!("libvirt listing failed: {e}"))))
}

/// `probe` off the runtime.
pub async fn probe_async(uris: Vec<String>) -> Health {
    tokio::task::spawn_blocking(move || probe(&uris))
        .await
        .unwrap_or_else(|e| Health::Error(format!("libvirt probe failed: {e}")))
}
