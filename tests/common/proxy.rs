//! A TCP proxy in front of a real server that can make the connections it carries go silent,
//! the way a database host that dies or is partitioned away looks to its clients: the sockets
//! stay open, nothing comes back. Connections opened after the cut are carried normally (the
//! failover, or the network coming back for new connections).

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

pub struct Proxy {
    pub addr: SocketAddr,
    cuts: watch::Sender<u64>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards every connection to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let (cuts, _) = watch::channel(0_u64);
        let watcher = cuts.clone();
        let accept = tokio::spawn(async move {
            let mut carried = JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                carried.spawn(carry(client, server, watcher.subscribe()));
            }
        });
        Proxy { addr, cuts, accept }
    }

    /// Every connection open now goes silent for good: bytes sent either way are never delivered.
    pub fn silence_open_connections(&self) {
        self.cuts.send_modify(|cut| *cut += 1);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts and closes every connection.
        self.accept.abort();
    }
}

async fn carry(mut client: TcpStream, mut server: TcpStream, mut cuts: watch::Receiver<u64>) {
    let opened_at = *cuts.borrow_and_update();
    let silenced = tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => false,
        _ = cuts.wait_for(|cut| *cut > opened_at) => true,
    };
    if silenced {
        // Hold both sockets open and never read from them again, until the proxy is dropped.
        std::future::pending::<()>().await;
    }
}
