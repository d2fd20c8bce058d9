//! Load test of `cdsim serve`: starts the server, creates one application with 1,000
//! deployment groups and a running deployment in each, then 100 concurrent clients (threads,
//! one keep-alive connection each) make 100,000 requests between them (GetDeployment,
//! ListDeploymentTargets, BatchGetDeploymentTargets, ListDeployments), and prints the
//! throughput, the latency percentiles and the server's peak memory; then stops the server
//! with Ctrl-C (SIGINT) and checks that it exits cleanly.
//!
//! `cargo build --release && cargo run --release --example serve_load -- target/release/cdsim`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CLIENTS: usize = 100;
const REQUESTS: usize = 100_000;
const DEPLOYMENTS: usize = 1_000;

/// One keep-alive connection.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn new(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        stream.set_nodelay(true).expect("nodelay");
        Client {
            reader: BufReader::new(stream.try_clone().expect("clones")),
            writer: stream,
        }
    }

    /// POSTs one operation; returns the status and the body.
    fn call(&mut self, op: &str, body: &str) -> (u16, String) {
        let request = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: CodeDeploy_20141006.{op}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.writer.write_all(request.as_bytes()).expect("writes");
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).expect("a status line");
        let status = status_line[9..12].parse().expect("a status");
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).expect("a header");
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("the body");
        (status, String::from_utf8(body).expect("UTF-8"))
    }
}

fn main() {
    let bin = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/release/cdsim".to_string());
    let mut server = Command::new(&bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--speed", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("cdsim serve starts");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the address line");
    let port: u16 = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|p| p.parse().ok())
        .expect("a port");

    let mut setup = Client::new(port);
    assert_eq!(setup.call("CreateApplication", r#"{"applicationName":"load"}"#).0, 200);
    let mut ids = Vec::new();
    for g in 0..DEPLOYMENTS {
        let group = format!(r#"{{"applicationName":"load","deploymentGroupName":"g{g}","serviceRoleArn":"r"}}"#);
        assert_eq!(setup.call("CreateDeploymentGroup", &group).0, 200);
        let (status, body) = setup.call(
            "CreateDeployment",
            &format!(r#"{{"applicationName":"load","deploymentGroupName":"g{g}"}}"#),
        );
        assert_eq!(status, 200, "{body}");
        ids.push(body.split('"').nth(3).expect("an id").to_string());
    }

    let started = Instant::now();
    let per_client = REQUESTS / CLIENTS;
    let threads: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let ids = ids.clone();
            std::thread::spawn(move || {
                let mut client = Client::new(port);
                let mut latencies = Vec::with_capacity(per_client);
                for i in 0..per_client {
                    let id = &ids[(c * per_client + i) % ids.len()];
                    let group = (c * per_client + i) % DEPLOYMENTS;
                    let (op, body) = match i % 10 {
                        0 => ("ListDeploymentTargets", format!(r#"{{"deploymentId":"{id}"}}"#)),
                        1 => (
                            "BatchGetDeploymentTargets",
                            format!(r#"{{"deploymentId":"{id}","targetIds":["i-0000","i-0001"]}}"#),
                        ),
                        2 => (
                            "ListDeployments",
                            format!(r#"{{"applicationName":"load","deploymentGroupName":"g{group}"}}"#),
                        ),
                        _ => ("GetDeployment", format!(r#"{{"deploymentId":"{id}"}}"#)),
                    };
                    let t = Instant::now();
                    let (status, body) = client.call(op, &body);
                    latencies.push(t.elapsed());
                    assert_eq!(status, 200, "{op}: {body}");
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = threads.into_iter().flat_map(|t| t.join().expect("a client")).collect();
    let elapsed = started.elapsed();
    latencies.sort();
    let q = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let mut still_running = 0;
    for id in &ids {
        if setup
            .call("GetDeployment", &format!(r#"{{"deploymentId":"{id}"}}"#))
            .1
            .contains("\"status\":\"InProgress\"")
        {
            still_running += 1;
        }
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.id())).unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: unknown")
        .to_string();
    Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .expect("kill runs");
    let exit = server.wait().expect("the server exits");
    println!(
        "{} requests from {CLIENTS} clients in {:.2} s: {:.0} requests/s",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!("latency p50 {:?}  p99 {:?}  max {:?}", q(0.50), q(0.99), q(1.0));
    println!("{still_running} of {DEPLOYMENTS} deployments still InProgress at the end; server peak memory {peak}");
    println!("server exit after SIGINT: {exit}");
    assert!(exit.success());
}
