//! A TCP proxy in front of the test server's Unix socket that can lose the answer to one COMMIT: it passes the
//! COMMIT on, waits until the server has answered it (so the transaction is committed), and then closes the
//! client's connection without passing the answer back. The client cannot know whether its write was recorded:
//! an in-doubt commit, made deterministic.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::postgres::PgConnectOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UnixStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// The startup packets that come before the real startup message and are answered with one byte.
const SSL_REQUEST: u32 = 80_877_103;
const GSSENC_REQUEST: u32 = 80_877_104;

pub struct CommitCutter {
    port: u16,
    armed: Arc<AtomicBool>,
    cut: Arc<Notify>,
    accept_task: JoinHandle<()>,
}

impl CommitCutter {
    /// Proxies to the server behind `server_url` (a Unix socket URL, as the harness gives). Once armed, the first
    /// COMMIT on a connection that has sent a statement containing `marker` loses its answer.
    pub async fn start(server_url: &str, marker: &'static str) -> CommitCutter {
        let options = PgConnectOptions::from_str(server_url).expect("server URL");
        let socket: PathBuf = options
            .get_socket()
            .expect("the test server listens on a Unix socket")
            .join(format!(".s.PGSQL.{}", options.get_port()));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let armed = Arc::new(AtomicBool::new(false));
        let cut = Arc::new(Notify::new());
        let (shared_armed, shared_cut) = (Arc::clone(&armed), Arc::clone(&cut));
        let accept_task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = UnixStream::connect(&socket).await else { continue };
                let (armed, cut) = (Arc::clone(&shared_armed), Arc::clone(&shared_cut));
                connections.spawn(relay(client, server, marker, armed, cut));
            }
        });
        CommitCutter { port, armed, cut, accept_task }
    }

    /// A URL through the proxy for `login` on `database`.
    pub fn url(&self, login: &str, database: &str) -> String {
        format!("postgresql://{login}@127.0.0.1:{}/{database}?sslmode=disable", self.port)
    }

    pub fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    /// Waits until a COMMIT's answer has been lost.
    pub async fn cut(&self) {
        self.cut.notified().await;
    }
}

impl Drop for CommitCutter {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

async fn relay(client: TcpStream, server: UnixStream, marker: &str, armed: Arc<AtomicBool>, cut: Arc<Notify>) {
    let (mut client_in, mut client_out) = client.into_split();
    let (mut server_in, mut server_out) = server.into_split();
    // The request side tells the answer side to cut, and forwards the COMMIT only once the answer side has
    // stopped passing answers on, so the COMMIT's answer can never slip through.
    let (cutting, entered) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let (cutting_seen, entered_told) = (Arc::clone(&cutting), Arc::clone(&entered));
    let to_server = async move {
        let cut = Cut { armed: &armed, cutting: &cutting, entered: &entered };
        let _ = forward_requests(&mut client_in, &mut server_out, marker, cut).await;
    };
    let to_client = async move {
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            tokio::select! {
                read = server_in.read(&mut buffer) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => if client_out.write_all(&buffer[..n]).await.is_err() { return },
                },
                () = cutting_seen.notified() => {
                    entered_told.notify_one();
                    // Read the server's answer to the COMMIT (it ends with ReadyForQuery) and drop it.
                    let mut answer = Vec::new();
                    while !answer.windows(5).any(|w| w == [b'Z', 0, 0, 0, 5]) {
                        match server_in.read(&mut buffer).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => answer.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let _ = client_out.shutdown().await;
                    cut.notify_one();
                    return;
                }
            }
        }
    };
    // The connection ends when the answer side ends: after a cut, the request side is dropped with it.
    tokio::select! {
        () = to_client => {}
        () = async { to_server.await; std::future::pending::<()>().await } => {}
    }
}

struct Cut<'a> {
    armed: &'a AtomicBool,
    cutting: &'a Notify,
    entered: &'a Notify,
}

/// Copies the client's messages to the server, watching for the marker and, once armed, the COMMIT to cut.
async fn forward_requests(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::unix::OwnedWriteHalf,
    marker: &str,
    cut: Cut<'_>,
) -> std::io::Result<()> {
    // Startup: untyped packets (length, then a code) until the real startup message.
    loop {
        let length = from.read_u32().await?;
        let mut body = vec![0u8; (length as usize).saturating_sub(4)];
        from.read_exact(&mut body).await?;
        to.write_u32(length).await?;
        to.write_all(&body).await?;
        let code = body.get(..4).map_or(0, |c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
        if code != SSL_REQUEST && code != GSSENC_REQUEST {
            break;
        }
    }
    let mut marked = false;
    loop {
        let kind = from.read_u8().await?;
        let length = from.read_u32().await?;
        let mut body = vec![0u8; (length as usize).saturating_sub(4)];
        from.read_exact(&mut body).await?;
        marked |= body.windows(marker.len()).any(|w| w == marker.as_bytes());
        let commit = kind == b'Q' && body.len() >= 6 && body[..6].eq_ignore_ascii_case(b"COMMIT");
        if commit && marked && cut.armed.swap(false, Ordering::SeqCst) {
            cut.cutting.notify_one();
            cut.entered.notified().await;
        }
        if commit {
            marked = false;
        }
        to.write_u8(kind).await?;
        to.write_u32(length).await?;
        to.write_all(&body).await?;
    }
}
