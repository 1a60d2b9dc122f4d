//! The server under load: the release binary, on its own data folder and a free port.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const EMAIL: &str = "charge@cpam.test";
pub const PASSWORD: &str = "banc-de-charge-2026-solide";

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_mediation")
}

fn command(data: &Path) -> Command {
    let mut command = Command::new(binary());
    command
        .env("MEDIATION_DATA_DIR", data)
        .env("RUST_LOG", "warn")
        .env("MEDIATION_PARTNER_FORM_MIN_SECONDS", "0")
        .env("MEDIATION_PARTNER_FORM_PER_HOUR", "10")
        .env("MEDIATION_TRUSTED_PROXIES", "127.0.0.1")
        .env("MEDIATION_SWEEP_INTERVAL_MINUTES", "0");
    // On PostgreSQL: an empty database, named by the caller.
    if let Ok(url) = std::env::var("MEDIATION_LOAD_DATABASE_URL") {
        command.env("MEDIATION_DATABASE_URL", url);
    }
    command
}

fn run(mut command: Command, input: Option<&str>) -> Result<(), String> {
    command.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| e.to_string())?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(())
}

/// Imports the data set and creates the mediator's account.
pub fn prepare(data: &Path, csv: &Path) -> Result<Duration, String> {
    let started = Instant::now();
    let mut import = command(data);
    import.arg("import").arg(csv);
    run(import, None)?;
    let took = started.elapsed();
    let mut user = command(data);
    user.args(["user", "add", "--role", "mediateur", "--name", "Chargé de test", "--password-stdin", EMAIL]);
    run(user, Some(&format!("{PASSWORD}\n")))?;
    Ok(took)
}

pub struct Server {
    child: Child,
    pub base: String,
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

impl Server {
    pub fn start(data: &Path) -> Result<Server, String> {
        let port = free_port()?;
        let mut command = command(data);
        command.arg("serve").env("ROCKET_PORT", port.to_string()).env("ROCKET_ADDRESS", "127.0.0.1");
        let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().map_err(|e| e.to_string())?;
        let server = Server { child, base: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if ureq::get(&format!("{}/healthz", server.base)).call().is_ok() {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err("le serveur n'a pas répondu en 2 minutes".into())
    }

    /// Resident memory of the server process, in MiB.
    pub fn rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }

    /// SIGTERM, then the time the server takes to exit.
    pub fn stop(mut self) -> Option<Duration> {
        let started = Instant::now();
        Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().ok()?;
        let deadline = started + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The run's folder: removed at the end, unless it is the one the caller keeps.
pub struct Scratch {
    pub path: PathBuf,
    kept: bool,
}

impl Scratch {
    pub fn new(name: &str, keep: Option<&Path>) -> Scratch {
        if let Some(kept) = keep {
            let path = kept.join(name);
            let _ = std::fs::create_dir_all(&path);
            return Scratch { path, kept: true };
        }
        let path = std::env::temp_dir().join(format!("mediation-load-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        let _ = std::fs::create_dir_all(&path);
        Scratch { path, kept: false }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
