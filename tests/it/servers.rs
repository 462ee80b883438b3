//! Real servers on loopback for the delivery tests: an SMTP server process (Python's aiosmtpd) and an HTTP
//! receiver (a small HTTP/1.1 server on tokio). Both record what arrived for the test to read back.

use std::collections::VecDeque;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, ChildStdin, Command};
use tokio::task::{JoinHandle, JoinSet};

const INSTALL_HINT: &str = "the SMTP tests need Python 3 with aiosmtpd (installed for the tests when missing, or \
                            `python3 -m pip install aiosmtpd==1.4.6`); set VAKT_TEST_PYTHON to use another interpreter";

/// What the tests install when the interpreter has no aiosmtpd of its own.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";

/// How long a starting SMTP server may take to report its port; a healthy one needs well under a second.
const SMTP_START_LIMIT: Duration = Duration::from_secs(30);

static NEXT_SERVER_ID: AtomicU32 = AtomicU32::new(0);

/// Stores each message as `NNNNNN.json` (written whole, then renamed) before answering 250, so a message is
/// on disk by the time the client's send returns. Decoding (RFC 2047 words, quoted-printable, base64,
/// charsets) is done by Python's `email` package: an independent reader of what lettre wrote.
const SMTP_RECORDER_PY: &str = r#"
import asyncio, json, os, sys, threading

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    sys.stderr.write("aiosmtpd is not installed for " + sys.executable + "\n")
    sys.exit(3)

from email import policy
from email.parser import BytesParser


class Recorder:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # Mailboxes that let tests provoke the two kinds of refusal.
        local_part = address.split("@")[0]
        if local_part == "reject-permanently":
            return "550 5.1.1 mailbox unavailable"
        if local_part == "reject-temporarily":
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        body = "" if message.is_multipart() else message.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": [[name, str(value)] for name, value in message.items()],
            "body": body.replace("\r\n", "\n"),
            "raw": raw.decode("utf-8", "replace"),
        }
        self.count += 1
        path = os.path.join(self.directory, "%06d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as file:
            json.dump(record, file, ensure_ascii=False)
        os.replace(path + ".tmp", path)
        return "250 2.0.0 stored as %06d" % self.count


async def main(directory, mode="plain", cert=None, key=None):
    loop = asyncio.get_running_loop()
    recorder = Recorder(directory)
    options = {}
    wrap = None
    if mode != "plain":
        import ssl
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        if mode == "starttls":
            options = {"tls_context": context, "require_starttls": True}
        else:
            # Implicit TLS (SMTPS): the connection is TLS from the first byte.
            wrap = context
    server = await loop.create_server(
        lambda: SMTP(recorder, decode_data=False, enable_SMTPUTF8=True, hostname="vakt-test-smtp", **options),
        "127.0.0.1",
        0,
        ssl=wrap,
    )
    print("LISTENING %d" % server.sockets[0].getsockname()[1], flush=True)
    # Stdin closes when the test drops the server or the test process dies, so no server outlives its test.
    stdin_closed = loop.create_future()

    def wait_for_stdin_eof():
        sys.stdin.read()
        loop.call_soon_threadsafe(stdin_closed.set_result, None)

    threading.Thread(target=wait_for_stdin_eof, daemon=True).start()
    await stdin_closed


asyncio.run(main(*sys.argv[1:]))
"#;

/// A running aiosmtpd process on a free loopback port, killed on drop.
pub struct SmtpServer {
    // Fields drop in order: the process goes before its directory.
    _child: Child,
    _stdin: ChildStdin,
    port: u16,
    mail_dir: PathBuf,
    /// With STARTTLS: the CA certificate that signed the server's certificate.
    ca_file: Option<PathBuf>,
    _root: ScratchDir,
}

/// A directory removed on drop, also when a start-up failure unwinds.
struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One message as the SMTP server received it.
#[derive(Debug, Clone, Deserialize)]
pub struct ReceivedMail {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    /// In order, values decoded (RFC 2047) and unfolded.
    pub headers: Vec<(String, String)>,
    /// Decoded text with `\n` line endings.
    pub body: String,
    /// The message as transferred, for checks on the wire format.
    pub raw: String,
}

impl ReceivedMail {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn header_count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count()
    }
}

/// How a test SMTP server talks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SmtpMode {
    Plain,
    /// Offers and requires STARTTLS.
    Starttls,
    /// TLS from the first byte (SMTPS).
    ImplicitTls,
}

impl SmtpMode {
    fn arg(self) -> &'static str {
        match self {
            SmtpMode::Plain => "plain",
            SmtpMode::Starttls => "starttls",
            SmtpMode::ImplicitTls => "tls",
        }
    }
}

impl SmtpServer {
    pub async fn start() -> Self {
        Self::start_with(SmtpMode::Plain).await
    }

    /// A server that offers and requires STARTTLS, with a certificate for 127.0.0.1 signed by a throw-away CA
    /// (see [`SmtpServer::ca_file`]); made with the `openssl` command.
    pub async fn start_with_starttls() -> Self {
        Self::start_with(SmtpMode::Starttls).await
    }

    /// A server speaking TLS from the first byte (SMTPS, as on port 465), with a certificate as above.
    pub async fn start_with_implicit_tls() -> Self {
        Self::start_with(SmtpMode::ImplicitTls).await
    }

    pub fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }

    async fn start_with(mode: SmtpMode) -> Self {
        let id = NEXT_SERVER_ID.fetch_add(1, Ordering::Relaxed);
        let root = ScratchDir(std::env::temp_dir().join(format!("vakt-test-smtp-{}-{id}", std::process::id())));
        // An earlier run whose process had the same id may have left mail here.
        let _ = std::fs::remove_dir_all(&root.0);
        let mail_dir = root.0.join("mail");
        std::fs::create_dir_all(&mail_dir).expect("create the SMTP server's directory");
        let tls = if mode == SmtpMode::Plain { None } else { Some(make_certificates(&root.0).await) };
        let script = root.0.join("smtp_recorder.py");
        std::fs::write(&script, SMTP_RECORDER_PY).expect("write the SMTP server script");

        let python = std::env::var("VAKT_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let python_path = tokio::task::spawn_blocking(|| aiosmtpd_path().clone()).await.expect("aiosmtpd check task");
        let python_path = python_path.unwrap_or_else(|message| panic!("{message}"));
        let mut command = Command::new(&python);
        if let Some(dir) = python_path {
            command.env("PYTHONPATH", dir);
        }
        command.arg(&script).arg(&mail_dir).arg(mode.arg());
        if let Some((_, cert, key)) = &tls {
            command.arg(cert).arg(key);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {python}: {error}; {INSTALL_HINT}"));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");

        // The script prints its port once it listens: an event to await, instead of polling a guessed port
        // (which another test could take between choosing and binding it).
        let mut first_line = String::new();
        let read = tokio::time::timeout(SMTP_START_LIMIT, BufReader::new(stdout).read_line(&mut first_line)).await;
        let port = match read {
            Ok(Ok(_)) => first_line.trim().strip_prefix("LISTENING ").and_then(|port| port.parse::<u16>().ok()),
            Ok(Err(error)) => panic!("reading the SMTP server's output: {error}"),
            Err(_) => panic!("the SMTP server did not start within {SMTP_START_LIMIT:?}"),
        };
        let Some(port) = port else {
            let output = child.wait_with_output().await.expect("wait for the failed SMTP server");
            let stderr = String::from_utf8_lossy(&output.stderr);
            if output.status.code() == Some(3) {
                panic!("{}; {INSTALL_HINT}", stderr.trim());
            }
            panic!("the SMTP server failed to start ({}): {stderr}; {INSTALL_HINT}", output.status);
        };
        Self { _child: child, _stdin: stdin, port, mail_dir, ca_file: tls.map(|(ca, _, _)| ca), _root: root }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Everything received so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedMail> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&self.mail_dir)
            .expect("read the mail directory")
            .map(|entry| entry.expect("mail directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).expect("read a received message");
                serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
            })
            .collect()
    }
}

/// Where aiosmtpd comes from: `None` when the interpreter imports it as is, otherwise a private copy installed
/// with pip under the temp dir, kept for later runs. Decided once per test process; a failure is kept too, so
/// every SMTP test reports it without retrying pip.
fn aiosmtpd_path() -> &'static Result<Option<PathBuf>, String> {
    static PATH: OnceLock<Result<Option<PathBuf>, String>> = OnceLock::new();
    PATH.get_or_init(|| python_packages(&[AIOSMTPD], "import aiosmtpd.smtp"))
}

/// The interpreter the tests run Python programs with (`VAKT_TEST_PYTHON`, else `python3`).
pub fn python() -> String {
    std::env::var("VAKT_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Makes `import_check` work: `None` when the interpreter has the packages already, otherwise a private copy of
/// `requirements` installed with pip into `$TMPDIR/vakt-test-python-<uid>/<requirements>`, kept for later runs
/// (the returned directory is the `PYTHONPATH`). A lock file serialises test processes; pip writes to a staging
/// directory that is renamed when complete, so an interrupted install never looks finished.
pub fn python_packages(requirements: &[&str], import_check: &str) -> Result<Option<PathBuf>, String> {
    use std::os::unix::fs::MetadataExt;

    let python = python();
    if imports(&python, import_check, None)? {
        return Ok(None);
    }
    let wanted = requirements.join(" ");
    let uid = std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0);
    let base = std::env::temp_dir().join(format!("vakt-test-python-{uid}"));
    std::fs::create_dir_all(&base).map_err(|e| format!("create {}: {e}", base.display()))?;
    // Code is imported from here: refuse a directory someone else made.
    if std::fs::metadata(&base).map(|m| m.uid()).ok() != Some(uid) {
        return Err(format!("{} is not owned by uid {uid}; remove it", base.display()));
    }
    let lock = std::fs::File::create(base.join("install.lock")).expect("create the install lock file");
    lock.lock().expect("take the install lock");

    let target = base.join(requirements.join("+").replace("==", "-"));
    if imports(&python, import_check, Some(&target))? {
        return Ok(Some(target));
    }
    let no_pip = |why: String| {
        format!(
            "{wanted} is not installed for {python} and pip cannot install it ({why}): install pip (e.g. \
             `apt install python3-pip`) or the packages themselves (`pip install {wanted}`)"
        )
    };
    let pip_version = std::process::Command::new(&python).args(["-m", "pip", "--version"]).output();
    match pip_version {
        Ok(output) if output.status.success() => {}
        Ok(output) => return Err(no_pip(String::from_utf8_lossy(&output.stderr).trim().to_owned())),
        Err(error) => return Err(no_pip(error.to_string())),
    }
    let staging = base.join("installing");
    let _ = std::fs::remove_dir_all(&staging);
    let _ = std::fs::remove_dir_all(&target);
    eprintln!("installing {wanted} for the tests into {}", target.display());
    let output = std::process::Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--target"])
        .arg(&staging)
        .args(requirements)
        .output()
        .map_err(|e| no_pip(e.to_string()))?;
    if !output.status.success() {
        return Err(format!(
            "`{python} -m pip install --target {} {wanted}` failed ({}): {}; it needs access to PyPI, or \
             install the packages yourself (`pip install {wanted}`)",
            staging.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    std::fs::rename(&staging, &target).map_err(|e| format!("rename {}: {e}", staging.display()))?;
    if imports(&python, import_check, Some(&target))? {
        Ok(Some(target))
    } else {
        Err(format!("{python} cannot `{import_check}` from {} after installing it", target.display()))
    }
}

/// Whether `python` runs `import_check`, with `python_path` as `PYTHONPATH` when given.
fn imports(python: &str, import_check: &str, python_path: Option<&Path>) -> Result<bool, String> {
    let mut command = std::process::Command::new(python);
    command.args(["-c", import_check]).stdout(Stdio::null()).stderr(Stdio::null());
    if let Some(dir) = python_path {
        command.env("PYTHONPATH", dir);
    }
    let status = command.status().map_err(|error| {
        format!(
            "cannot run `{python}` ({error}): the tests need Python 3 (e.g. `apt install python3 python3-pip`); set \
             VAKT_TEST_PYTHON to use another interpreter"
        )
    })?;
    Ok(status.success())
}

/// A loopback port with nothing listening on it: connecting is refused.
pub fn closed_port() -> u16 {
    let listener = StdTcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// How the HTTP receiver answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    Status {
        code: u16,
        body: String,
    },
    /// Reads the request and never answers, to make the client time out.
    Hang,
}

impl Reply {
    pub fn status(code: u16) -> Self {
        Self::Status { code, body: String::new() }
    }

    pub fn with_body(code: u16, body: &str) -> Self {
        Self::Status { code, body: body.to_owned() }
    }
}

/// One request as the receiver read it.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    pub method: String,
    pub path: String,
    /// Names lowercased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 request body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| panic!("body is not JSON ({error}): {:?}", self.body))
    }
}

#[derive(Default)]
struct Recorded {
    requests: Vec<ReceivedRequest>,
    /// Replies for the next requests, in order; when empty, 200.
    script: VecDeque<Reply>,
    /// How long every answer takes, so that a delivery is under way for a while.
    delay: std::time::Duration,
}

/// An HTTP/1.1 server on a free loopback port that records every request; stopped on drop.
pub struct HttpReceiver {
    address: SocketAddr,
    recorded: Arc<Mutex<Recorded>>,
    accept_task: JoinHandle<()>,
}

impl HttpReceiver {
    /// Answers every request with 200.
    pub async fn start() -> Self {
        Self::replying([]).await
    }

    /// Answers the first requests with `script`, one reply each, and 200 afterwards.
    pub async fn replying(script: impl IntoIterator<Item = Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the HTTP receiver");
        let address = listener.local_addr().expect("local address");
        let script = script.into_iter().collect();
        let recorded = Arc::new(Mutex::new(Recorded { requests: Vec::new(), script, delay: Default::default() }));
        let shared = Arc::clone(&recorded);
        let accept_task = tokio::spawn(async move {
            // Owned here so that aborting this task also ends every open connection.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve_connection(stream, Arc::clone(&shared)));
            }
        });
        Self { address, recorded, accept_task }
    }

    /// Answers every request with 200 after `delay`.
    pub async fn answering_after(delay: std::time::Duration) -> Self {
        let receiver = Self::replying([]).await;
        receiver.recorded.lock().expect("receiver state").delay = delay;
        receiver
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.recorded.lock().expect("receiver state").requests.clone()
    }
}

impl Drop for HttpReceiver {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

const MAX_HEAD_BYTES: usize = 64 * 1024;

/// One request per connection (the answer says `Connection: close`), which every HTTP client supports.
async fn serve_connection(mut stream: TcpStream, recorded: Arc<Mutex<Recorded>>) {
    let Some(request) = read_request(&mut stream).await else { return };
    let (reply, delay) = {
        let mut recorded = recorded.lock().expect("receiver state");
        recorded.requests.push(request);
        (recorded.script.pop_front().unwrap_or(Reply::status(200)), recorded.delay)
    };
    tokio::time::sleep(delay).await;
    let (code, body) = match reply {
        Reply::Status { code, body } => (code, body),
        Reply::Hang => {
            // Wait for the client to give up and close; the read ends then.
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest).await;
            return;
        }
    };
    let response = format!(
        "HTTP/1.1 {code} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        reason_phrase(code),
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Reads the head and a `Content-Length` body; chunked bodies are not read (the notifier sends none).
async fn read_request(stream: &mut TcpStream) -> Option<ReceivedRequest> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position;
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return None;
        }
        let mut chunk = [0_u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    if headers.iter().any(|(name, value)| name == "transfer-encoding" && value.contains("chunked")) {
        // Recorded with a marker body, so the test fails on the body rather than on a vanished request.
        return Some(ReceivedRequest { method, path, headers, body: b"<chunked body: not read>".to_vec() });
    }
    let content_length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map_or(0, |(_, value)| value.parse::<usize>().expect("a numeric Content-Length"));
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < content_length {
        let mut chunk = [0_u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(content_length);
    Some(ReceivedRequest { method, path, headers, body })
}

fn reason_phrase(code: u16) -> &'static str {
    match code {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Plain SMTP to a test server on loopback.
pub fn plain_smtp(port: u16) -> vakt::notify::SmtpConfig {
    vakt::notify::SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: vakt::notify::SmtpSecurity::None,
        username: None,
        password: None,
        from: "Vakt <vakt@example.org>".into(),
        helo_name: Some("vakt.test".into()),
        timeout_secs: 10,
        ca_file: None,
    }
}

/// A notifier that mails through `smtp` (plain, on loopback) and sends SMS through `http`'s `/sms` as JSON.
pub fn mail_and_sms_notifier(smtp: &SmtpServer, http: &HttpReceiver) -> vakt::notify::Notifier {
    use vakt::notify::{Notifier, NotifyConfig, SmsGatewayConfig, SmsMethod};
    Notifier::new(&NotifyConfig {
        smtp: Some(plain_smtp(smtp.port())),
        sms: Some(SmsGatewayConfig {
            url: http.url("/sms"),
            method: SmsMethod::Post,
            headers: std::collections::BTreeMap::new(),
            content_type: "application/json".into(),
            body_template: r#"{"to":"{to}","text":"{text}"}"#.into(),
            sender: "Vakt".into(),
            success_body_contains: None,
            timeout_secs: 10,
        }),
        ..NotifyConfig::default()
    })
    .unwrap()
}

/// A CA and a server certificate for 127.0.0.1 signed by it, in `dir`: (CA certificate, server certificate, key).
async fn make_certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (ca, ca_key, cert, key, csr, ext) =
        ("ca.pem", "ca.key", "server.pem", "server.key", "server.csr", "server.ext");
    std::fs::write(
        dir.join(ext),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth\n",
    )
    .expect("write the certificate extensions");
    let steps: [&[&str]; 3] = [
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            ca_key,
            "-out",
            ca,
            "-days",
            "2",
            "-subj",
            "/CN=vakt test CA",
        ],
        &["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"],
        &[
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            ca,
            "-CAkey",
            ca_key,
            "-CAcreateserial",
            "-out",
            cert,
            "-days",
            "2",
            "-extfile",
            ext,
        ],
    ];
    for args in steps {
        let output = Command::new("openssl").args(args).current_dir(dir).output().await.unwrap_or_else(|error| {
            panic!("the STARTTLS test needs the `openssl` command (apt install openssl): {error}")
        });
        assert!(output.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
    (dir.join(ca), dir.join(cert), dir.join(key))
}

/// The occurrences of an iCalendar file between two dates as an independent parser expands them (Python's
/// icalendar with recurring-ical-events, installed for the tests when missing), one "UID start-in-UTC" line each,
/// sorted.
pub fn expand_ics(file: &Path, from: &str, to: &str) -> Vec<String> {
    static PATH: OnceLock<Result<Option<PathBuf>, String>> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        python_packages(
            &["icalendar==7.3.2", "recurring-ical-events==3.8.2"],
            "import icalendar, recurring_ical_events",
        )
    });
    let path = path.as_ref().unwrap_or_else(|e| panic!("{e}"));
    let script = r#"
import datetime, sys
import icalendar, recurring_ical_events
calendar = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
start, end = (datetime.date.fromisoformat(d) for d in sys.argv[2:4])
for event in recurring_ical_events.of(calendar).between(start, end):
    at = event["DTSTART"].dt.astimezone(datetime.timezone.utc)
    print(str(event["UID"]), at.strftime("%Y-%m-%dT%H:%M:%SZ"))
"#;
    let mut command = std::process::Command::new(python());
    command.args(["-c", script]).arg(file).args([from, to]);
    if let Some(dir) = path {
        command.env("PYTHONPATH", dir);
    }
    let output = command.output().expect("run the iCalendar parser");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut lines: Vec<String> = String::from_utf8_lossy(&output.stdout).lines().map(String::from).collect();
    lines.sort();
    lines
}
