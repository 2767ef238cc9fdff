//! The network source over rtnetlink. For now: a link dump proves the socket works;
//! the link/address/route model is the F3 issue's.

use crate::event::Health;
use futures::TryStreamExt;

pub async fn probe() -> Health {
    let (conn, handle, _) = match rtnetlink::new_connection() {
        Ok(c) => c,
        Err(e) => return Health::Unavailable(format!("cannot open a netlink socket: {e}")),
    };
    let task = tokio::spawn(conn);
    let mut links = handle.link().get().execute();
    let mut n = 0usize;
    let result = loop {
        match links.try_next().await {
            Ok(Some(_)) => n += 1,
            Ok(None) => break Health::Ok(format!("{n} links")),
            Err(e) => break Health::Error(format!("link dump failed: {e}")),
        }
    };
    task.abort();
    result
}
