//! A real SMTP server for the tests (Python's aiosmtpd writing to a Maildir), started on a
//! free port: one shared by the whole run, or one of a test's own that it stops and starts.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use mail_parser::{Message, MessageParser, MimeHeaders};
use tempfile::TempDir;

pub struct SmtpServer {
    pub port: u16,
    dir: TempDir,
    child: Mutex<Option<Child>>,
}

/// A Python that has aiosmtpd: `MEDIATION_TEST_PYTHON`, else `python3` on the path, else
/// Debian's own (`python3-aiosmtpd` installs there).
fn python() -> &'static str {
    static PYTHON: OnceLock<String> = OnceLock::new();
    PYTHON.get_or_init(|| {
        if let Ok(chosen) = std::env::var("MEDIATION_TEST_PYTHON") {
            return chosen;
        }
        let has_aiosmtpd = |python: &str| {
            Command::new(python)
                .args(["-c", "import aiosmtpd"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        ["python3", "/usr/bin/python3"].into_iter().find(|p| has_aiosmtpd(p)).unwrap_or("python3").to_string()
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port libre").port()
}

impl SmtpServer {
    /// A server of the test's own, not started yet (its port stays free until `start`).
    pub fn stopped() -> SmtpServer {
        let dir = tempfile::tempdir().expect("dossier du serveur SMTP");
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(dir.path().join("Maildir").join(sub)).expect("Maildir");
        }
        SmtpServer { port: free_port(), dir, child: Mutex::new(None) }
    }

    pub fn started() -> SmtpServer {
        let server = SmtpServer::stopped();
        server.start();
        server
    }

    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("Maildir")
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn start(&self) {
        let sink = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/mail");
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port), "-c", "sink.Sink"])
            .arg(self.maildir())
            .env("PYTHONPATH", sink)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (paquet python3-aiosmtpd : .ci/run l'installe)");
        *self.child.lock().expect("serveur") = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            let exited = self.child.lock().ok().and_then(|mut c| c.as_mut().and_then(|c| c.try_wait().ok().flatten()));
            if let Some(status) = exited {
                panic!("aiosmtpd s'est arrêté ({status}) : python3-aiosmtpd est-il installé ?");
            }
            assert!(Instant::now() < deadline, "aiosmtpd ne répond pas sur le port {}", self.port);
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Kills the server and waits until its port refuses connections.
    pub fn stop(&self) {
        let child = self.child.lock().ok().and_then(|mut c| c.take());
        if let Some(mut child) = child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message delivered so far, raw.
    pub fn raw_messages(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<_> = std::fs::read_dir(self.maildir().join("new"))
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
    }

    /// Messages delivered to `address`, parsed.
    pub fn messages_to(&self, address: &str) -> Vec<Delivered> {
        self.raw_messages()
            .into_iter()
            .filter_map(|raw| Delivered::parse(&raw))
            .filter(|m| m.to.eq_ignore_ascii_case(address))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A delivered message, as the tests look at it.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub body: String,
    /// The names of the files joined.
    pub attachments: Vec<String>,
}

impl Delivered {
    pub fn parse(raw: &[u8]) -> Option<Delivered> {
        let message: Message = MessageParser::default().parse(raw)?;
        let to = message.to()?.first()?.address()?.to_string();
        Some(Delivered {
            to,
            subject: message.subject().unwrap_or_default().to_string(),
            message_id: message.message_id().unwrap_or_default().to_string(),
            body: message.body_text(0).map(|b| b.into_owned()).unwrap_or_default(),
            attachments: message.attachments().filter_map(|a| a.attachment_name().map(str::to_string)).collect(),
        })
    }
}

/// The server every test shares, started once per run.
pub fn shared() -> &'static SmtpServer {
    static SERVER: OnceLock<SmtpServer> = OnceLock::new();
    SERVER.get_or_init(SmtpServer::started)
}
