//! The real thing: the `mediation` binary serving on a free port with its own data folder, and
//! a headless Chromium driven through chromedriver (started once per test run, shared).

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use tempfile::TempDir;

/// The password of every account the browser tests create.
pub const PASSWORD: &str = "Vitraux-de-Chartres-1194";

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} does not listen on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// chromedriver's URL. Started on first use through a shell that waits on its standard input:
/// when the test process ends, the pipe closes and the shell stops chromedriver, so no driver
/// outlives the run even though statics are never dropped.
pub fn chromedriver() -> &'static str {
    static URL: OnceLock<(Child, String)> = OnceLock::new();
    let (_, url) = URL.get_or_init(|| {
        let port = free_port();
        let script =
            format!("chromedriver --port={port} --log-level=SEVERE >/dev/null 2>&1 & pid=$!; read _; kill $pid");
        let child =
            Command::new("sh").args(["-c", &script]).stdin(Stdio::piped()).spawn().expect("sh to start chromedriver");
        wait_for_port(port, "chromedriver (apt-get install chromium chromium-driver; .ci/run installs them)");
        (child, format!("http://127.0.0.1:{port}"))
    });
    url
}

/// axe-core's script, installed by `npm install` in `tests/browser` (`.ci/run` does it).
pub fn axe_source() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `npm install` in tests/browser)", path.display()))
    })
}

/// The server binary running on its own port and data folder; stopped when dropped.
pub struct Server {
    child: Child,
    data: TempDir,
    pub base: String,
}

impl Server {
    pub fn start() -> Server {
        let data = tempfile::tempdir().expect("a data folder");
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_mediation"))
            .arg("serve")
            .envs(Self::env(data.path()))
            .env("ROCKET_ADDRESS", "127.0.0.1")
            .env("ROCKET_PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the mediation binary");
        wait_for_port(port, "the mediation server");
        Server { child, data, base: format!("http://127.0.0.1:{port}") }
    }

    fn env(data: &Path) -> Vec<(&'static str, String)> {
        vec![
            ("MEDIATION_DATA_DIR", data.display().to_string()),
            ("MEDIATION_SWEEP_INTERVAL_MINUTES", "0".into()),
            ("MEDIATION_MAIL_INTERVAL_SECONDS", "0".into()),
            // The browser fills the partner form faster than a person could.
            ("MEDIATION_PARTNER_FORM_MIN_SECONDS", "0".into()),
            ("RUST_LOG", "error".into()),
        ]
    }

    /// An account created with the command line, as an administrator would.
    pub fn add_user(&self, email: &str, role: &str) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mediation"))
            .args(["user", "add", "--role", role, "--password-stdin", email])
            .envs(Self::env(self.data.path()))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("mediation user add");
        if let Some(mut stdin) = child.stdin.take() {
            writeln!(stdin, "{PASSWORD}").expect("password on stdin");
        }
        let output = child.wait_with_output().expect("mediation user add ends");
        assert!(output.status.success(), "user add: {}", String::from_utf8_lossy(&output.stderr));
    }

    /// A received e-mail recorded as the server's own fetcher would (the same use case, on the
    /// server's database file): the mailbox pages then have lines to show.
    pub fn receive(&self, raw: &[u8]) {
        let url = format!("sqlite://{}", self.data.path().join("mediation.sqlite").display());
        let mut conn = mediation::db::pool::connect(&url).expect("the server's database");
        let source = mediation::app::mailbox::Source { mailbox: "INBOX".into(), own_address: None };
        mediation::app::mailbox::ingest(&mut conn, &source, raw, chrono::Utc::now()).expect("message recorded");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh headless Chromium session with its own profile folder.
pub async fn browser(profile: &Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--lang=fr-FR",
        "--window-size=1280,800",
    ]
    .iter()
    .map(|a| a.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let mut capabilities = Capabilities::new();
    capabilities.insert("browserName".into(), "chrome".into());
    capabilities.insert("goog:chromeOptions".into(), serde_json::json!({ "args": args }));
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(chromedriver())
        .await
        .expect("a Chromium session through chromedriver")
}

/// Where the screenshots for review go: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("target/screenshots");
    dir
}
