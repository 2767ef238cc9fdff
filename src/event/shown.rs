//! Which screen the operator is looking at, for collectors whose costly part serves one
//! screen only (F2's process scan, F3's counter dumps): they do it at the refresh while that
//! screen is shown, seldom or never otherwise, and at once when it comes into view.

use super::Screen;
use tokio::sync::watch;

/// A collector's view of the screen on show. `Shown::always()` (one-shot commands, tests)
/// counts every screen as shown.
#[derive(Debug, Clone)]
pub struct Shown(Option<watch::Receiver<Screen>>);

/// The app's end: tells collectors which screen is shown.
#[derive(Debug)]
pub struct ShowSender(watch::Sender<Screen>);

impl Shown {
    /// Every screen counts as shown: collectors do everything at every refresh.
    pub fn always() -> Shown {
        Shown(None)
    }

    /// A pair for the app (sender) and the collectors (receiver), starting on `screen`.
    pub fn channel(screen: Screen) -> (ShowSender, Shown) {
        let (tx, rx) = watch::channel(screen);
        (ShowSender(tx), Shown(Some(rx)))
    }

    /// Whether `screen` is on show now.
    pub fn is(&self, screen: Screen) -> bool {
        self.0.as_ref().is_none_or(|rx| *rx.borrow() == screen)
    }

    /// Resolves when `screen` comes into view (it was not shown before); never resolves for
    /// `always()` or once the app has gone.
    pub async fn appears(&mut self, screen: Screen) {
        let Some(rx) = self.0.as_mut() else { return std::future::pending().await };
        let mut was = *rx.borrow_and_update() == screen;
        loop {
            if rx.changed().await.is_err() {
                return std::future::pending().await;
            }
            let now = *rx.borrow_and_update() == screen;
            if now && !was {
                return;
            }
            was = now;
        }
    }
}

impl ShowSender {
    /// Sets the screen on show (only a change wakes anyone).
    pub fn set(&self, screen: Screen) {
        self.0.send_if_modified(|s| std::mem::replace(s, screen) != screen);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn appears_fires_when_the_screen_comes_into_view_only() {
        let (tx, mut shown) = Shown::channel(Screen::Logs);
        assert!(!shown.is(Screen::Dashboard));
        let waiter = tokio::spawn(async move {
            shown.appears(Screen::Dashboard).await;
            shown
        });
        tx.set(Screen::Network);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "another screen must not wake the F2 waiter");
        tx.set(Screen::Dashboard);
        let shown = tokio::time::timeout(Duration::from_secs(5), waiter).await.unwrap().unwrap();
        assert!(shown.is(Screen::Dashboard));
    }

    #[tokio::test]
    async fn always_counts_every_screen_and_never_wakes() {
        let mut shown = Shown::always();
        assert!(Screen::ALL.iter().all(|s| shown.is(*s)));
        let r = tokio::time::timeout(Duration::from_millis(20), shown.appears(Screen::Dashboard)).await;
        assert!(r.is_err());
    }
}
