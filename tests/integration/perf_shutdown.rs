//! A server asked to stop (SIGTERM) while requests run exits within seconds, and writes the
//! views of personal data it still holds.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_until_ready(base: &str) {
    let started = Instant::now();
    while ureq::get(&format!("{base}/healthz")).call().is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "the server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sigterm_under_load_stops_the_server_within_seconds() {
    let dir = tempfile::TempDir::new().unwrap();
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_mediation"))
        .arg("serve")
        .env("MEDIATION_DATA_DIR", dir.path())
        .env_remove("MEDIATION_DATABASE_URL")
        .env("ROCKET_PORT", port.to_string())
        .env("ROCKET_ADDRESS", "127.0.0.1")
        .env("ROCKET_LOG_LEVEL", "off")
        .env("MEDIATION_SWEEP_INTERVAL_MINUTES", "0")
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("server.log")).expect("journal du serveur"))
        .spawn()
        .expect("mediation serve");
    let base = format!("http://127.0.0.1:{port}");
    wait_until_ready(&base);
    // Clients that keep asking: pages, the database, static files.
    let running = Arc::new(AtomicBool::new(true));
    let answered = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..8)
        .map(|n| {
            let (running, answered, base) = (running.clone(), answered.clone(), base.clone());
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(5)).build();
                let paths = ["/healthz", "/connexion", "/static/app.css", "/saisines"];
                while running.load(Ordering::Relaxed) {
                    if agent.get(&format!("{base}{}", paths[n % paths.len()])).call().is_ok() {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    assert!(answered.load(Ordering::Relaxed) > 0, "the server answers under load");
    let asked = Instant::now();
    let kill = Command::new("kill").arg("-TERM").arg(server.id().to_string()).status().unwrap();
    assert!(kill.success());
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        if asked.elapsed() > Duration::from_secs(15) {
            server.kill().unwrap();
            panic!("the server was still running 15 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let took = asked.elapsed();
    running.store(false, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
    assert!(status.success(), "a clean stop: {status:?}\n{log}");
    assert!(took < Duration::from_secs(8), "stopped in {took:?}");
}
