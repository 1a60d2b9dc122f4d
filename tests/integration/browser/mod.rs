//! Browser tests: the real server and a headless Chromium (chromedriver), the main flows clicked
//! through, every page checked with axe-core (any violation fails), for overflow at 390 px and
//! photographed at 1280×800 and 390×844 into `target/screenshots/` for review.
//!
//! Needs `chromium`, `chromium-driver` (Debian) and axe-core installed with `npm install` in
//! `tests/browser`; `.ci/run` installs all three when missing.

mod driver;
mod flows;
mod list_flow;
mod views;

use std::future::Future;

use fantoccini::{Client, Locator};
use serde_json::Value;

pub use driver::{Server, PASSWORD};

/// The two widths every page is checked and photographed at: a desktop and a phone.
const SIZES: [(u32, u32); 2] = [(1280, 800), (390, 844)];

/// Runs an async browser test on its own runtime.
pub fn run<F: Future<Output = ()>>(test: F) {
    rocket::tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime").block_on(test)
}

/// A browser session against one server.
pub struct Session<'a> {
    pub client: Client,
    pub server: &'a Server,
    _profile: tempfile::TempDir,
}

impl<'a> Session<'a> {
    pub async fn open(server: &'a Server) -> Session<'a> {
        let profile = tempfile::tempdir().expect("a browser profile folder");
        let client = driver::browser(profile.path()).await;
        Session { client, server, _profile: profile }
    }

    pub async fn close(self) {
        self.client.close().await.expect("the browser closes");
    }

    pub async fn visit(&self, path: &str) {
        self.client.goto(&self.server.url(path)).await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    pub async fn text(&self) -> String {
        self.client.find(Locator::Css("body")).await.expect("body").text().await.expect("the page's text")
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
        field.send_keys(value).await.unwrap_or_else(|e| panic!("type in {css}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        let element = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        element.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Clicks a submit button and waits for the next page (the old one's root gone stale).
    pub async fn submit(&self, css: &str) {
        let old = self.client.find(Locator::Css("html")).await.expect("the page's root");
        self.click(css).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while old.tag_name().await.is_ok() {
            assert!(std::time::Instant::now() < deadline, "no new page after clicking {css}");
            rocket::tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }

    pub async fn sign_in(&self, email: &str) {
        self.visit("/connexion").await;
        self.fill("#email", email).await;
        self.fill("#password", PASSWORD).await;
        self.submit("form[action='/connexion'] button[type=submit]").await;
        assert_ne!(self.path().await, "/connexion", "signed in as {email}: {}", self.text().await);
    }

    /// The page as it is now: no axe-core violation, nothing wider than the screen at either
    /// width, and a screenshot at each width named after `name`.
    pub async fn check(&self, name: &str) {
        let violations = self.axe().await;
        assert!(
            violations.is_empty(),
            "{name} ({}): accessibility violations:\n{}",
            self.path().await,
            violations.join("\n")
        );
        for (width, height) in SIZES {
            self.resize(width, height).await;
            let widths = self
                .client
                .execute("return [window.innerWidth, document.documentElement.scrollWidth];", vec![])
                .await
                .expect("the page's widths");
            let (inner, scroll) = (widths[0].as_u64().unwrap_or(0), widths[1].as_u64().unwrap_or(u64::MAX));
            assert!(scroll <= inner, "{name} ({}) is {scroll} px wide in a {inner} px window", self.path().await);
            let png = self.client.screenshot().await.expect("a screenshot");
            let file = driver::screenshot_dir().join(format!("{name}-{width}x{height}.png"));
            std::fs::write(&file, png).expect("the screenshot written");
        }
        self.resize(SIZES[0].0, SIZES[0].1).await;
    }

    /// Gives the page (not the window) this size: the window is grown by its own frame.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.expect("window size");
        let inner = self.client.execute("return [window.innerWidth, window.innerHeight];", vec![]).await.expect("size");
        let frame = |i: usize, outer: u32| outer.saturating_sub(inner[i].as_u64().unwrap_or(0) as u32);
        let (dw, dh) = (frame(0, width), frame(1, height));
        if dw > 0 || dh > 0 {
            self.client.set_window_size(width + dw, height + dh).await.expect("window size");
        }
    }

    /// axe-core's violations on the current page, one line each (rule, help, elements).
    async fn axe(&self) -> Vec<String> {
        let loaded = self.client.execute("return typeof window.axe === 'object';", vec![]).await.expect("a script");
        if loaded != Value::Bool(true) {
            let script = format!("{}\nreturn typeof window.axe;", driver::axe_source());
            let kind = self.client.execute(&script, vec![]).await.expect("axe-core injected");
            assert_eq!(kind, Value::String("object".into()), "axe-core did not load");
        }
        let script = "return axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v => \
                      v.id + ' — ' + v.help + ' : ' + v.nodes.map(n => n.target.join(' ')).join(', ')));";
        let result = self.client.execute(script, vec![]).await.expect("axe.run");
        match result {
            Value::Array(lines) => lines.into_iter().map(|l| l.as_str().unwrap_or_default().to_string()).collect(),
            other => panic!("axe.run answered {other}"),
        }
    }
}
