"""Headless Chromium for the web UI's browser tests (python/ui_e2e.py, bench/ui_curve.py), one setup.

Debian's chromium (/usr/bin/chromium) driven by Debian's chromedriver (/usr/bin/chromedriver),
both installed by scripts/mlflow_lib.sh's ensure_chromium; selenium is given both paths, so it never
looks for (or downloads) a driver or a browser of its own. The browser:

* runs `--headless=new` with a fixed window size (screenshots and layout do not depend on the
  machine), `--disable-dev-shm-usage` (small /dev/shm in containers), `--no-sandbox` only when run
  as root (Chromium refuses to start sandboxed as root);
* keeps every console message (`goog:loggingPrefs` browser ALL) so a test can read the SEVERE ones;
* prefers English (`intl.accept_languages`): a page in Korean is asked for explicitly (`?lang=ko`
  or `set_accept_language`);
* sends the server's bearer token with every request it makes (DevTools
  `Network.setExtraHTTPHeaders`), the way a person's browser sends the basic credentials it was
  given once.
"""

import base64
import os

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW = (1280, 1024)


def start_chromium(token=None, driver_log=None):
    """A headless Chromium session; `token`: sent as `Authorization: Bearer` on every request;
    `driver_log`: chromedriver's log file (default: none)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            raise RuntimeError(f"{path} is missing: run scripts/ui_e2e.sh (it installs Debian's chromium and chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=en-US",
    ):
        opts.add_argument(arg)
    if os.geteuid() == 0:
        opts.add_argument("--no-sandbox")
    opts.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=driver_log or os.devnull)
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_page_load_timeout(60)
    driver.execute_cdp_cmd("Network.enable", {})
    if token:
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Bearer {token}"}})
    return driver


def set_accept_language(driver, accept):
    """Makes the browser's language `accept` (`ko-KR,ko`; None: back to the default): its
    `Accept-Language` header and `navigator.languages`, as a browser set to that language has."""
    ua = driver.execute_script("return navigator.userAgent")
    driver.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": ua, "acceptLanguage": accept or "en-US,en"})


def navigation_timing(driver):
    """The last navigation's Navigation Timing entry (PerformanceNavigationTiming.toJSON())."""
    return driver.execute_script(
        "const e = performance.getEntriesByType('navigation')[0]; return e ? e.toJSON() : null"
    )


def screenshot(driver, path):
    """Saves a PNG of the whole page (beyond the window's height) to path."""
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    return path
