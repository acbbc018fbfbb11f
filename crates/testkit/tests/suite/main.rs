//! One test binary for the store contract, the import flow and the HTTP surface.

/// Runs each listed `async fn(TestDb)` once on SQLite and once on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(hallway_testkit::TestDb::sqlite()).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(hallway_testkit::TestDb::postgres().await).await
                }
            }
        )*
    };
}

/// The server's allocator, so that the attack tests measure the memory it gives back.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod account_pages;
mod accounts;
mod agenda;
mod authz;
mod broken_files;
mod browser;
mod cfp;
mod cfp_flow;
mod cfp_pages;
mod cfp_store;
mod checkers;
mod confirmed;
mod contract;
mod events;
mod fanout;
mod http;
mod http_limits;
mod import;
mod live;
mod mail;
mod marks;
mod my_agenda;
mod my_changes;
mod ops;
mod pages;
mod qa;
mod review;
mod scheduling;
mod search;
mod seat_pages;
mod seats;
mod second_chance;
mod unconference;
mod venue;
mod watch;
