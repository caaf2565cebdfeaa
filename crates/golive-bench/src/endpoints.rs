//! Loopback health endpoints in a process of their own, so the benchmark
//! measures golive's CPU and memory, not the servers'.

use std::io::{BufRead, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use golive_demo::server::{Handler, Reply, Request, Server};

/// Serves `ports` answering servers and `silent_ports` black holes; prints
/// `READY <ports…> | <silent ports…>` and runs until stdin closes.
pub fn serve(ports: usize, silent_ports: usize) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let ok: Handler = Arc::new(|_: &Request| Reply::with_type(200, "text/plain", "ok"));
        let silent: Handler = Arc::new(|_: &Request| Reply::Silent);
        let mut servers = Vec::new();
        for _ in 0..ports {
            servers.push(Server::http(loopback, ok.clone()).await?);
        }
        let mut holes = Vec::new();
        for _ in 0..silent_ports {
            holes.push(Server::http(loopback, silent.clone()).await?);
        }
        let list = |s: &[Server]| {
            s.iter()
                .map(|s| s.addr.port().to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        println!("READY {} | {}", list(&servers), list(&holes));
        std::io::stdout().flush()?;
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            while std::io::stdin()
                .read_line(&mut line)
                .map(|n| n > 0)
                .unwrap_or(false)
            {
                line.clear();
            }
        })
        .await?;
        drop((servers, holes));
        anyhow::Ok(())
    })
}

/// The endpoint process and its ports; it stops when dropped.
pub struct Endpoints {
    child: Child,
    pub ports: Vec<u16>,
    pub silent_ports: Vec<u16>,
}

impl Drop for Endpoints {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(ports: usize, silent_ports: usize) -> anyhow::Result<Endpoints> {
    let mut child = Command::new(std::env::current_exe()?)
        .args([
            "serve-endpoints",
            "--ports",
            &ports.to_string(),
            "--silent-ports",
            &silent_ports.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let mut line = String::new();
    std::io::BufReader::new(stdout).read_line(&mut line)?;
    let rest = line
        .trim()
        .strip_prefix("READY ")
        .ok_or_else(|| anyhow::anyhow!("the endpoint process said {line:?}"))?;
    let (open, silent) = rest.split_once('|').unwrap_or((rest, ""));
    let parse = |text: &str| -> Vec<u16> {
        text.split(',')
            .filter_map(|p| p.trim().parse().ok())
            .collect()
    };
    Ok(Endpoints {
        ports: parse(open),
        silent_ports: parse(silent),
        child,
    })
}
