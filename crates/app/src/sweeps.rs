//! What happens by itself as time passes: lapsed seat offers pass down their lines,
//! accepted speakers who have not confirmed are reminded, and a release's schedule change
//! mails that are not all queued (the process stopped after releasing) are queued. Each step
//! is idempotent, so several replicas may sweep at once.

use crate::App;
use jiff::Timestamp;

impl App {
    /// Sweeps every `every` until `stop` turns true. A failed step is logged and tried again
    /// at the next tick.
    pub async fn sweep(
        self,
        every: std::time::Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        loop {
            let now = Timestamp::now();
            if let Err(e) = self.pass_on_lapsed_offers(now).await {
                tracing::error!(cause = %crate::cause_chain(&e), "passing lapsed seat offers on failed");
            }
            if let Err(e) = self.remind_unconfirmed(now).await {
                tracing::error!(cause = %crate::cause_chain(&e), "reminding unconfirmed speakers failed");
            }
            if let Err(e) = self.mail_unmailed_changes().await {
                tracing::error!(cause = %crate::cause_chain(&e), "mailing schedule changes failed");
            }
            if let Err(e) = self.forget_old_hits(now.as_second()).await {
                tracing::error!(cause = %crate::cause_chain(&e), "forgetting old rate-limit hits failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        return;
                    }
                }
            }
        }
    }
}
