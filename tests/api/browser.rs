//! A real browser for the tests: headless Chromium driven through ChromeDriver
//! (Debian's `chromium` and `chromium-driver`). Screenshots land in
//! `target/screenshots/`.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// ChromeDriver and a session with headless Chromium.
pub struct Browser {
    driver: Child,
    pub client: Client,
}

impl Browser {
    /// A phone-sized window.
    pub async fn phone() -> Browser {
        Browser::open(390, 844).await
    }

    /// A phone's screen exactly (390 × 844 CSS pixels), emulated: headless
    /// Chromium's windows are at least 500 pixels wide.
    pub async fn handset() -> Browser {
        Browser::start(
            390,
            844,
            Some(json!({"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1.0}})),
        )
        .await
    }

    /// A desktop window.
    pub async fn desktop() -> Browser {
        Browser::open(1440, 900).await
    }

    async fn open(width: u32, height: u32) -> Browser {
        Browser::start(width, height, None).await
    }

    async fn start(width: u32, height: u32, emulation: Option<Value>) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (apt-get install chromium chromium-driver)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut caps = serde_json::Map::new();
        let mut options = json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            format!("--window-size={width},{height}"), "--lang=en-US"]});
        if let Some(e) = emulation {
            options["mobileEmulation"] = e;
        }
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session");
        Browser { driver, client }
    }

    pub async fn css(&self, selector: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("`{selector}` did not appear: {e}"))
    }

    pub async fn screenshot(&self, name: &str) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("{name}.png")),
            self.client.screenshot().await.unwrap(),
        )
        .unwrap();
    }

    pub async fn queue(&self) -> Value {
        self.client
            .execute("return await window.orderlyQueue();", vec![])
            .await
            .unwrap()
    }

    /// Waits until the phone has sent everything it queued.
    pub async fn drained(&self) {
        for _ in 0..150 {
            let q = self.queue().await;
            if q["waiting"] == 0 {
                assert_eq!(q["failed"], 0, "the server refused something: {q}");
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the queue never emptied: {}", self.queue().await);
    }

    pub async fn close(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// Opens a page of the server, and checks that it asked nothing of any other.
    pub async fn visit(&self, base: &str, path: &str) {
        self.client.goto(&format!("{base}{path}")).await.unwrap();
        self.only_local().await;
    }

    /// Every resource the page loaded (styles, scripts, fetches) came from the server.
    pub async fn only_local(&self) {
        let outside = self
            .client
            .execute(
                "return performance.getEntriesByType('resource').map(e => e.name)
                   .filter(n => !n.startsWith(location.origin));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(outside, json!([]), "requests outside the server");
    }

    /// Sets a field's value as a person would leave it (dates and times too).
    pub async fn set(&self, selector: &str, value: &str) {
        self.css(selector).await;
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]); el.value = arguments[1];
                 el.dispatchEvent(new Event('input', {bubbles: true}));",
                vec![json!(selector), json!(value)],
            )
            .await
            .unwrap();
    }

    /// Clicks an element, finding it again if a re-render replaced it.
    pub async fn click(&self, selector: &str) {
        for _ in 0..20 {
            match self.css(selector).await.click().await {
                Ok(()) => return,
                // Chromium names a replaced node either way.
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                        || e.message.contains("does not belong to the document") =>
                {
                    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("clicking `{selector}`: {e}"),
            }
        }
        panic!("`{selector}` kept being replaced");
    }

    /// Waits until the address holds `part`; returns the address.
    pub async fn wait_for_url(&self, part: &str) -> String {
        for _ in 0..200 {
            let url = self.client.current_url().await.unwrap().to_string();
            if url.contains(part) {
                return url;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "never reached `{part}`: at {}",
            self.client.current_url().await.unwrap()
        );
    }

    /// The whole page's visible text once it holds `part` (a customer's page has no `main`).
    pub async fn wait_for_text(&self, part: &str) -> String {
        let mut last = String::new();
        for _ in 0..100 {
            if let Ok(t) = self.css("body").await.text().await {
                if t.contains(part) {
                    return t;
                }
                last = t;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("`{part}` never appeared: {last}");
    }

    /// Nothing runs off the side of a handset's 390-pixel screen.
    pub async fn fits_the_phone(&self) {
        let width = self
            .client
            .execute(
                "return [window.innerWidth, document.documentElement.scrollWidth];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(width, json!([390, 390]), "[screen, page] in CSS pixels");
    }

    /// The visible text of the page's main part (asked again while a reload
    /// replaces the page).
    pub async fn text(&self) -> String {
        for _ in 0..50 {
            if let Ok(text) = self.css("main").await.text().await {
                return text;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never settled");
    }
}
