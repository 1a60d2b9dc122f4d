//! A signed-in client and the measured loops: each virtual client is a thread with its own
//! keep-alive connection, running its request until the deadline.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Cookies as the server set them (names and values only: the client is the only browser).
#[derive(Clone, Default)]
pub struct Jar(Arc<Mutex<BTreeMap<String, String>>>);

impl Jar {
    fn keep(&self, response: &ureq::Response) {
        if let Ok(mut cookies) = self.0.lock() {
            for header in response.all("set-cookie") {
                if let Some((name, value)) = header.split(';').next().and_then(|pair| pair.split_once('=')) {
                    cookies.insert(name.trim().to_string(), value.trim().to_string());
                }
            }
        }
    }

    fn header(&self) -> String {
        let cookies = self.0.lock().map(|c| c.clone()).unwrap_or_default();
        cookies.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
    }
}

#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    pub base: String,
    pub jar: Jar,
    pub bearer: Option<String>,
}

/// What one request gave: its status and how many bytes came back.
pub type Answer = Result<(u16, usize), String>;

fn answer(result: Result<ureq::Response, ureq::Error>, jar: &Jar) -> Result<(u16, String), String> {
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(other) => return Err(other.to_string()),
    };
    jar.keep(&response);
    let status = response.status();
    let body = response.into_string().map_err(|e| e.to_string())?;
    Ok((status, body))
}

/// The value of the first `name="…" value="…"` input of a page.
pub fn input_value(page: &str, name: &str) -> Option<String> {
    let start = page.find(&format!(r#"name="{name}" value=""#))? + name.len() + 15;
    let end = start + page[start..].find('"')?;
    Some(page[start..end].to_string())
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent = ureq::AgentBuilder::new().redirects(0).timeout(Duration::from_secs(120)).build();
        Client { agent, base: base.to_string(), jar: Jar::default(), bearer: None }
    }

    /// A new connection sharing this client's session.
    pub fn fork(&self) -> Client {
        Client { agent: ureq::AgentBuilder::new().redirects(0).build(), ..self.clone() }
    }

    fn request(&self, method: &str, path: &str) -> ureq::Request {
        let mut request = self
            .agent
            .request(method, &format!("{}{path}", self.base))
            .set("Cookie", &self.jar.header())
            .set("Origin", &self.base);
        if let Some(token) = &self.bearer {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        request
    }

    pub fn get_page(&self, path: &str) -> Result<(u16, String), String> {
        answer(self.request("GET", path).call(), &self.jar)
    }

    pub fn get(&self, path: &str) -> Answer {
        self.get_page(path).map(|(status, body)| (status, body.len()))
    }

    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Result<(u16, String), String> {
        answer(self.request("POST", path).send_form(fields), &self.jar)
    }

    /// A page asked for on behalf of `address`, as a reverse proxy in front of the server
    /// names its clients (`X-Real-IP`; the bench's server trusts the loopback as its proxy).
    pub fn get_page_for(&self, address: &str, path: &str) -> Result<(u16, String), String> {
        answer(self.request("GET", path).set("X-Real-IP", address).call(), &self.jar)
    }

    /// A form sent on behalf of `address` (see `get_page_for`).
    pub fn post_form_for(&self, address: &str, path: &str, fields: &[(&str, &str)]) -> Result<(u16, String), String> {
        answer(self.request("POST", path).set("X-Real-IP", address).send_form(fields), &self.jar)
    }

    pub fn post_json(&self, path: &str, body: &str) -> Answer {
        let request = self.request("POST", path).set("Content-Type", "application/json");
        answer(request.send_string(body), &self.jar).map(|(status, body)| (status, body.len()))
    }

    /// Signs in as the load test's mediator, and creates an API token for the API's loops.
    pub fn sign_in(base: &str, email: &str, password: &str) -> Result<Client, String> {
        let mut client = Client::new(base);
        let (_, page) = client.get_page("/connexion")?;
        let csrf = input_value(&page, "csrf_token").ok_or("jeton CSRF absent de /connexion")?;
        let (status, _) =
            client.post_form("/connexion", &[("csrf_token", &csrf), ("email", email), ("password", password)])?;
        if status != 303 {
            return Err(format!("connexion refusée ({status})"));
        }
        let (_, page) = client.get_page("/compte/jetons")?;
        let csrf = input_value(&page, "csrf_token").ok_or("jeton CSRF absent de /compte/jetons")?;
        let (_, page) = client.post_form("/compte/jetons", &[("csrf_token", &csrf), ("name", "banc de charge")])?;
        let start = page.find(r#"<code class="secret">"#).ok_or("jeton d'API non affiché")? + 21;
        let end = start + page[start..].find('<').ok_or("jeton d'API illisible")?;
        client.bearer = Some(page[start..end].to_string());
        Ok(client)
    }
}

/// What a loop measured.
pub struct Measure {
    pub requests: usize,
    pub errors: usize,
    pub seconds: f64,
    latencies: Vec<Duration>,
}

impl Measure {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    /// The latency below which `share` of the requests finished, in milliseconds.
    pub fn percentile_ms(&self, share: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let rank = ((self.latencies.len() as f64 - 1.0) * share).round() as usize;
        self.latencies[rank].as_secs_f64() * 1000.0
    }
}

/// Runs `work` from `clients` threads for `seconds`; a request is an error unless its status
/// is one of `ok`.
pub fn measure<F>(client: &Client, clients: usize, seconds: f64, ok: &[u16], work: F) -> Measure
where
    F: Fn(&Client, usize) -> Answer + Send + Sync + 'static,
{
    let work = Arc::new(work);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|n| {
            let (client, work, ok) = (client.fork(), work.clone(), ok.to_vec());
            std::thread::spawn(move || {
                let (mut latencies, mut errors, mut i) = (Vec::new(), 0usize, 0usize);
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let result = work(&client, n * 1_000_000 + i);
                    latencies.push(sent.elapsed());
                    if !matches!(result, Ok((status, _)) if ok.contains(&status)) {
                        errors += 1;
                    }
                    i += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for thread in threads {
        if let Ok((latencies, failed)) = thread.join() {
            all.extend(latencies);
            errors += failed;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort();
    Measure { requests: all.len(), errors, seconds, latencies: all }
}
