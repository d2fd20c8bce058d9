//! The HTTP edge of `cdsim serve`, the one home of tokio, hyper, hyper-util and
//! http-body-util, and the only part of `serve` that reads the wall clock or writes a
//! file. `POST /` with `X-Amz-Target: CodeDeploy_20141006.<Operation>` is the API;
//! `GET /` the live page and `GET /state` its data.
//!
//! Scaled time: the simulated instant of a request is the start instant plus `--speed`
//! times the wall-clock time elapsed, never going backwards; with `--speed max` it is
//! where `Service::settle` moves it. Every request takes the service's lock for the
//! instant and the answer together, so requests take effect in one order, the order of the
//! record file.
//!
//! Credentials are not checked: the endpoint listens on the loopback unless told
//! otherwise, holds nothing secret, and AWS clients sign every request, so checking the
//! signature would only force users to configure keys that prove nothing here.
//!
//! Not here: what a request does (`service.rs`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use super::error::ApiError;
use super::page;
use super::record;
use super::service::Service;
use super::view::Instant;

/// The largest request body accepted (CodeDeploy's requests are a few kilobytes).
pub const BODY_LIMIT: usize = 1 << 20;

/// How simulated time follows the wall clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// Simulated seconds per wall-clock second.
    Times(f64),
    /// As fast as nothing waits for a client.
    Max,
}

impl Speed {
    /// `--speed`: a positive number or `max`.
    pub fn parse(s: &str) -> Option<Speed> {
        if s == "max" {
            return Some(Speed::Max);
        }
        s.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x > 0.0)
            .map(Speed::Times)
    }
}

/// What `cdsim serve` was asked for.
pub struct Options {
    /// `--listen`.
    pub listen: SocketAddr,
    /// `--speed`.
    pub speed: Speed,
    /// `--record`.
    pub record: Option<PathBuf>,
}

/// The service, the clock and the record, behind one lock.
struct Shared {
    service: Service,
    speed: Speed,
    started_wall: std::time::Instant,
    /// The last instant handed out (time never goes backwards).
    last: Instant,
    record: Option<BufWriter<File>>,
}

impl Shared {
    fn now(&mut self) -> Instant {
        let next = match self.speed {
            Speed::Times(k) => {
                let elapsed = self.started_wall.elapsed().as_secs_f64() * 1000.0 * k;
                self.service.started + elapsed as u64
            }
            Speed::Max => self.service.settle(self.last),
        };
        self.last = self.last.max(next);
        self.last
    }

    fn api(&mut self, target: Option<&str>, body: &[u8]) -> (u16, String) {
        let body = String::from_utf8_lossy(body);
        let now = self.now();
        let reply = self.service.handle(target, body.as_bytes(), now);
        if let Some(out) = &mut self.record
            && let Err(e) = out.write_all(record::entry_line(now, target, body.as_bytes(), &reply).as_bytes())
        {
            eprintln!("cdsim serve: writing the record: {e}; recording stops");
            self.record = None;
        }
        (reply.status, reply.body)
    }
}

/// The current wall-clock time in epoch milliseconds: the simulated start instant.
pub fn wall_epoch_millis() -> Instant {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| d.as_millis() as u64)
}

/// Serves until Ctrl-C (or SIGTERM); `on_listen` gets the bound address. The record's
/// header is written first and the file flushed on the way out.
pub fn serve(
    options: Options,
    service: Service,
    header: &record::Header,
    on_listen: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let record = match &options.record {
        Some(path) => {
            let mut out = BufWriter::new(File::create(path)?);
            out.write_all(record::header_line(header).as_bytes())?;
            Some(out)
        }
        None => None,
    };
    let shared = Arc::new(Mutex::new(Shared {
        service,
        speed: options.speed,
        started_wall: std::time::Instant::now(),
        last: 0,
        record,
    }));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(accept_until_signal(options.listen, Arc::clone(&shared), on_listen))?;
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    let mut shared = shared.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(out) = &mut shared.record {
        out.flush()?;
    }
    Ok(())
}

async fn accept_until_signal(
    listen: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    on_listen: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = TcpListener::bind(listen).await?;
    on_listen(listener.local_addr()?);
    // Both signal streams live across the loop's iterations: a signal delivered while the
    // loop handles another branch waits in its stream instead of being missed.
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(50));
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let due = {
                    let mut shared = lock(&shared);
                    let now = shared.now();
                    shared.service.due_invocations(now)
                };
                for (url, payload) in due {
                    tokio::spawn(invoke(url, payload));
                }
            }
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = service_fn(move |req| answer(req, Arc::clone(&shared)));
                    // A client that goes away mid-request is no concern of the server's.
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
            _ = interrupt.recv() => return Ok(()),
            _ = terminate.recv() => return Ok(()),
        }
    }
}

/// POSTs an external hook's invocation payload to the user's handler. Its answer comes
/// back as a PutLifecycleEventHookExecutionStatus request; a handler that cannot be reached
/// is reported and left to time out, as an unreachable hook function is in CodeDeploy.
async fn invoke(url: String, payload: String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(rest) = url.strip_prefix("http://") else {
        return;
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    let sent = async {
        let mut stream = tokio::net::TcpStream::connect(authority).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.map(|_| ())
    };
    if let Err(e) = sent.await {
        eprintln!("cdsim serve: invoking the hook at {url}: {e}");
    }
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

fn respond(status: u16, content_type: &str, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST))
        .header("content-type", content_type)
        .header("x-amzn-requestid", "00000000-0000-0000-0000-000000000000")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

async fn answer(
    req: Request<Incoming>,
    shared: Arc<Mutex<Shared>>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    const JSON: &str = "application/x-amz-json-1.1";
    let response = match (req.method(), req.uri().path()) {
        (&Method::GET, "/") => respond(200, "text/html; charset=utf-8", page::PAGE.to_string()),
        (&Method::GET, "/state") => {
            let mut shared = lock(&shared);
            let now = shared.now();
            respond(200, "application/json", page::state(&shared.service, now).to_string())
        }
        (&Method::POST, "/") => {
            let target = req
                .headers()
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            match Limited::new(req.into_body(), BODY_LIMIT).collect().await {
                Ok(body) => {
                    let (status, text) = lock(&shared).api(target.as_deref(), &body.to_bytes());
                    respond(status, JSON, text)
                }
                Err(_) => {
                    let e = ApiError::new(
                        "SerializationException",
                        format!("The request body is larger than {BODY_LIMIT} bytes or could not be read"),
                    );
                    respond(e.status, JSON, e.body())
                }
            }
        }
        _ => {
            let e = ApiError::new(
                "UnknownOperationException",
                "cdsim serve answers POST / (the API), GET / and GET /state",
            );
            respond(404, JSON, e.body())
        }
    };
    Ok(response)
}
