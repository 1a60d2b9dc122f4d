//! A real IMAP server for the tests: Debian's dovecot (`dovecot-imapd`, installed by `.ci/run`),
//! started once per test run from a folder of its own (its own configuration, listening on
//! 127.0.0.1 on two free ports, IMAP with STARTTLS and IMAP over TLS with a self-signed
//! certificate, plaintext login allowed on loopback, a passwd-file per test user, one Maildir
//! per user). Nothing is written outside that folder.
//!
//! Stopping: dovecot's master gets SIGTERM when the thread that started it dies (`setpriv
//! --pdeathsig`), and that thread lives as long as the test process: however the run ends
//! (success, panic, kill), dovecot ends with it and CI is never left waiting on it.

use std::collections::HashMap;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The password of every test user.
pub const USER_PASSWORD: &str = "mot-de-passe-imap";

pub struct Dovecot {
    /// Plain IMAP (STARTTLS offered) and IMAP over TLS, both on 127.0.0.1.
    pub port: u16,
    pub tls_port: u16,
    dir: PathBuf,
    passwords: Mutex<HashMap<String, String>>,
}

/// The server every test shares, started at the first call.
pub fn shared() -> &'static Dovecot {
    static SERVER: OnceLock<Dovecot> = OnceLock::new();
    SERVER.get_or_init(Dovecot::start)
}

impl Dovecot {
    fn start() -> Dovecot {
        let dir = tempfile::Builder::new().prefix("mediation-dovecot-").tempdir().expect("dossier de dovecot").keep();
        // dovecot's own users (dovecot, dovenull, mail) must reach the folder.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("droits du dossier");
        for sub in ["run", "state"] {
            std::fs::create_dir_all(dir.join(sub)).expect("dossier de dovecot");
        }
        let home = dir.join("home");
        std::fs::create_dir_all(&home).expect("dossier des boîtes");
        std::fs::create_dir_all(dir.join("passwd")).expect("dossier des utilisateurs");
        let identity = Identity::of(&dir);
        certificate(&dir);
        std::os::unix::fs::chown(&home, Some(identity.mail_uid), Some(identity.mail_gid)).expect("propriétaire");
        // A port found free may be taken by someone else before dovecot binds it: try again.
        let mut last_log = String::new();
        for _ in 0..5 {
            let (port, tls_port) = (free_port(), free_port());
            std::fs::write(dir.join("dovecot.conf"), config(&dir, [port, tls_port], &identity)).expect("configuration");
            for log in ["dovecot.log", "master.out"] {
                let _ = std::fs::remove_file(dir.join(log));
            }
            if port != tls_port && launch(&dir) && wait_until_listening(&dir, port) {
                return Dovecot { port, tls_port, dir, passwords: Mutex::default() };
            }
            last_log = std::fs::read_to_string(dir.join("dovecot.log")).unwrap_or_default();
        }
        panic!("dovecot ne démarre pas (paquet dovecot-imapd : .ci/run l'installe) :\n{last_log}");
    }

    /// Adds a user (each test has its own, so that tests never see each other's messages).
    pub fn user(&self, name: &str) -> String {
        self.user_with_password(name, USER_PASSWORD)
    }

    /// A user with a password of its own (no `:`, the file's separator).
    pub fn user_with_password(&self, name: &str, password: &str) -> String {
        // One file per user, written before its first login: dovecot opens it then, and never
        // has to notice a change to a file it already read.
        let path = self.dir.join("passwd").join(name);
        let mut file = std::fs::File::create_new(&path).expect("un nom d'utilisateur par test");
        writeln!(file, "{name}:{{PLAIN}}{password}").expect("utilisateur ajouté");
        self.passwords.lock().expect("mots de passe").insert(name.to_string(), password.to_string());
        name.to_string()
    }

    pub fn password_of(&self, user: &str) -> String {
        self.passwords.lock().expect("mots de passe").get(user).cloned().unwrap_or_else(|| USER_PASSWORD.into())
    }

    /// The `imap_url` of a user's mailbox on this server (no TLS: loopback only).
    pub fn url(&self, user: &str, mailbox: &str) -> String {
        let mailbox = percent_encoding::utf8_percent_encode(mailbox, percent_encoding::NON_ALPHANUMERIC);
        format!("imap://{user}:{USER_PASSWORD}@127.0.0.1:{}/{mailbox}?tls=none", self.port)
    }

    /// The server's self-signed certificate (for `localhost` and 127.0.0.1), to be trusted
    /// through `SSL_CERT_FILE`.
    pub fn certificate(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }

    /// dovecot's log, for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
    }
}

/// Who owns the mail: the `mail` user when the tests run as root (dovecot refuses root for
/// mail access), else the current user, who then runs every dovecot process.
struct Identity {
    root: bool,
    mail_uid: u32,
    mail_gid: u32,
    name: String,
    group: String,
}

impl Identity {
    fn of(dir: &Path) -> Identity {
        let meta = std::fs::metadata(dir).expect("dossier de dovecot");
        if meta.uid() == 0 {
            let (uid, gid) = passwd_ids("mail").unwrap_or((8, 8));
            return Identity { root: true, mail_uid: uid, mail_gid: gid, name: String::new(), group: String::new() };
        }
        let id = |flag: &str| {
            let out = Command::new("id").arg(flag).output().expect("id");
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        Identity { root: false, mail_uid: meta.uid(), mail_gid: meta.gid(), name: id("-un"), group: id("-gn") }
    }
}

fn passwd_ids(user: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let line = passwd.lines().find(|l| l.split(':').next() == Some(user))?;
    let fields: Vec<&str> = line.split(':').collect();
    Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?))
}

/// A self-signed certificate made with the openssl command (package `openssl`).
fn certificate(dir: &Path) {
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout"])
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl (paquet openssl)");
    assert!(made.success(), "certificat de test");
}

fn config(dir: &Path, [port, tls_port]: [u16; 2], identity: &Identity) -> String {
    let d = dir.display();
    let (uid, gid) = (identity.mail_uid, identity.mail_gid);
    let users = if identity.root {
        String::new()
    } else {
        let (name, group) = (&identity.name, &identity.group);
        format!("default_internal_user = {name}\ndefault_internal_group = {group}\ndefault_login_user = {name}\n")
    };
    format!(
        "protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:~/Maildir
{users}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd/%u
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"
    )
}

fn dovecot_binary() -> &'static str {
    if Path::new("/usr/sbin/dovecot").exists() {
        "/usr/sbin/dovecot"
    } else {
        "dovecot"
    }
}

/// Starts dovecot's master in the foreground from a thread that never ends; false when it
/// could not be started at all.
fn launch(dir: &Path) -> bool {
    let (started, outcome) = mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::Builder::new()
        .name("dovecot".into())
        .spawn(move || {
            let log = std::fs::File::create(dir.join("master.out")).expect("sortie de dovecot");
            let child = Command::new("setpriv")
                .args(["--pdeathsig", "TERM", dovecot_binary(), "-F", "-c"])
                .arg(dir.join("dovecot.conf"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("sortie de dovecot"))
                .stderr(log)
                .spawn();
            let Ok(mut child) = child else {
                let _ = started.send(false);
                return;
            };
            let _ = started.send(true);
            // A master that failed (port taken) is reaped; one that runs keeps this thread, and
            // so its parent-death signal, alive until the process exits.
            let _ = child.wait();
            loop {
                std::thread::park();
            }
        })
        .expect("fil de dovecot");
    outcome.recv().unwrap_or(false)
}

fn wait_until_listening(dir: &Path, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) {
            // Ours, not another program that took the port first.
            return greets_as_dovecot(stream);
        }
        let log = std::fs::read_to_string(dir.join("dovecot.log")).unwrap_or_default()
            + &std::fs::read_to_string(dir.join("master.out")).unwrap_or_default();
        if log.contains("Fatal") {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn greets_as_dovecot(stream: TcpStream) -> bool {
    use std::io::{BufRead, BufReader};
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut greeting = String::new();
    let _ = BufReader::new(stream).read_line(&mut greeting);
    greeting.contains("Dovecot")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port libre").port()
}
