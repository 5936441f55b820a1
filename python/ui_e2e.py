#!/usr/bin/env python
"""The web UI (`verdict server`'s /ui pages) in a real headless Chromium, with data logged by the
real MLflow client.

Setup, against a running `verdict server` (scripts/ui_e2e.sh starts one on SQLite with
--auth-token): the pinned mlflow-skinny client (python/requirements-ui.txt) logs seed 001 §4.1's
five runs (python/seed001.py, the curves python/check_experiment_e2e.py logs); the `verdict` binary
stores three test evaluations in three of them on two eval sets (`verdict eval FILE --run RUN_ID
--eval-name test`, on the server's own store and artifact root), so the experiment report has two
leaderboards; the client registers a model with a version and an alias, logs a .txt, .json, .csv,
.png, .svg and .html (the last two with script in them) to one run, and makes a run named
`<img src=x onerror=alert(1)>` with a param and a tag `<script>alert(2)</script>` in an experiment
whose name carries markup too.

Then Chromium (python/ui_browser.py: Debian's chromium and chromedriver, the token sent on every
request) opens each page, in English and in Korean (`?lang=`, and once through the browser's
language, Accept-Language), and asserts what a person sees there: the experiments and their run
counts; the runs table, a filter typed into its form, an invalid filter's message (no 5xx), the
sort links; a run's curve drawn as SVG with every logged point, its best step circled, its
evaluations with intervals and eval-set fingerprint, its findings; the experiment report's
overfitting table and its two leaderboards (one per fingerprint); the links the mlflow client
prints (`/#/experiments/<id>/runs/<run id>`); the hostile names as plain text, no dialog opened,
no element injected; a missing run's 404 page. The pages the lead is adding (the compare, model
registry and artifact pages) are checked too, and skipped while their route does not exist. After
every page: no SEVERE console message, no alert, a screenshot in --screens
(`<page>-<lang>.png`). A plain HTTP request without the token must get 401 with a Basic challenge.

The Korean words checked are read from the page code's own `phrase(lang, en, ko)` (and
`lang.pick(en, ko)`, `headers(lang, [...], [...])`) calls in crates/verdict-report/src, not typed
here, so a reworded page fails on the wording it changed, not on a copy of it.

    .venv-ui/bin/python python/ui_e2e.py --uri http://127.0.0.1:5055 --token T \\
        --verdict target/debug/verdict --store /tmp/x/verdict.db --artifacts /tmp/x/artifacts \\
        --screens target/ui-screens [--only WORDS] [--verbose]

Each page check is one function in PAGES, run once per language; a new page adds one function.
Output as python/mlflow_workload.py: `ok <step>`, `FAIL <step>: <reason>` or `skip <step>: <reason>`
per step, then `N passed, M failed[, K skipped]`; exit code 1 if any step failed. Names carry a
random prefix, so the script can run repeatedly against one server.
"""

import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
import zlib

import seed001  # python/seed001.py: seed 001's runs, shared with check_experiment_e2e.py
from seed001 import BREAST, ROOT, SEED, SMILE_BEST, SMILE_OTHER
from steps import check, client_env, eq, run_steps, step  # python/steps.py

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--uri", required=True, help="the running verdict server, e.g. http://127.0.0.1:5055")
ap.add_argument("--token", help="the server's --auth-token")
ap.add_argument("--verdict", default=os.environ.get("VERDICT_BINARY"), help="the verdict binary ($VERDICT_BINARY)")
ap.add_argument("--store", default=os.environ.get("VERDICT_STORE"), help="the server's --store ($VERDICT_STORE)")
ap.add_argument(
    "--artifacts", default=os.environ.get("VERDICT_ARTIFACTS"), help="the server's --artifacts ($VERDICT_ARTIFACTS)"
)
ap.add_argument("--screens", default=os.path.join(ROOT, "target", "ui-screens"), help="where screenshots go")
ap.add_argument("--only", default="", help="run only the steps whose name contains one of these (comma-separated)")
ap.add_argument("--verbose", action="store_true", help="print tracebacks and step timings")
ARGS = ap.parse_args()
for flag in ("verdict", "store", "artifacts"):
    if not getattr(ARGS, flag):
        ap.error(f"--{flag} (or its environment variable) is required")
URI = ARGS.uri.rstrip("/")
client_env(ARGS.token)

import mlflow  # noqa: E402
import requests  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException, WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

import ui_browser  # noqa: E402  python/ui_browser.py, shared with bench/ui_curve.py

mlflow.set_tracking_uri(URI)
C = MlflowClient(URI)
P = "ui" + uuid.uuid4().hex[:8]  # prefix of every name this run creates
S = {}  # state shared between steps
D = None  # the browser
LANGS = ("en", "ko")
BOOTSTRAP = "200"
AUTH = {"Authorization": f"Bearer {ARGS.token}"} if ARGS.token else {}

XSS_RUN = "<img src=x onerror=alert(1)>"
XSS_VALUE = "<script>alert(2)</script>"
XSS_EXPERIMENT = f"{P}-xss <svg onload=alert(3)>"
# What an injected element would be: none of the pages has an image or a script of its own.
INJECTED = "img, script, iframe, object, embed, [onerror], [onload], [onclick]"


# --- the pages' own words -------------------------------------------------------------------------
def _rust_strings(text):
    return [bytes(s, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
            for s in re.findall(r'"((?:[^"\\]|\\.)*)"', text)]


def load_phrases():
    """{English: Korean} from crates/verdict-report/src's phrase(lang, en, ko), lang.pick(en, ko) and
    headers(lang, &[en…], &[ko…]) calls, the severity words, i18n's phrase table, and the
    leaderboard headings' fixed parts (`Leaderboard: current eval set ` …)."""
    src = os.path.join(ROOT, "crates", "verdict-report", "src")
    text = {f: open(os.path.join(src, f), encoding="utf-8").read() for f in ("ui.rs", "check.rs", "i18n.rs")}
    q = r'"((?:[^"\\]|\\.)*)"'
    ko = {}

    def add(en, k):
        en, k = _rust_strings(f'"{en}"')[0], _rust_strings(f'"{k}"')[0]
        if ko.get(en, k) != k:
            ko[en] = None  # two Korean words for one English: looking it up fails
        else:
            ko[en] = k

    for body in text.values():
        for m in re.finditer(rf"phrase\(\s*lang,\s*{q},\s*{q}\s*,?\s*\)", body):
            add(m[1], m[2])
        for m in re.finditer(rf"\.pick\(\s*{q},\s*{q}\s*,?\s*\)", body):
            add(m[1], m[2])
        for m in re.finditer(r"headers\(\s*lang,\s*&\[(.*?)\],\s*&\[(.*?)\],?\s*\)", body, re.S):
            en, k = _rust_strings(m[1]), _rust_strings(m[2])
            check(len(en) == len(k), f"headers() with {len(en)} English and {len(k)} Korean words")
            for a, b in zip(en, k):
                add(a.replace('"', '\\"'), b.replace('"', '\\"'))
    severity = {"not_judged": "not judged"}
    for m in re.finditer(r'\(Lang::Ko, "(\w+)"\) => "([^"]+)"', text["check.rs"]):
        add(severity.get(m[1], m[1]), m[2])
    table = {}
    for m in re.finditer(rf"\(Lang::(En|Ko), (\w+)\) => {q}", text["i18n.rs"]):
        table.setdefault(m[2], {})[m[1]] = m[3]
    for pair in table.values():
        if "En" in pair and "Ko" in pair:
            add(pair["En"], pair["Ko"])
    headings = re.findall(r'\(Lang::(En|Ko), (0|_)\) => format!\("([^"{]*)\{\}"', text["check.rs"])
    check(len(headings) == 4, f"the leaderboard headings in check.rs: {headings}")
    lb = {(lang, i): h for lang, i, h in headings}
    add(lb[("En", "0")], lb[("Ko", "0")])
    add(lb[("En", "_")], lb[("Ko", "_")])
    return ko, lb[("En", "0")], lb[("En", "_")]


KO, LB_CURRENT, LB_OLDER = load_phrases()


def T(lang, en):
    """What the page says for `en` in `lang`."""
    if lang == "en":
        return en
    ko = KO.get(en)
    check(ko, f"no single Korean phrase for {en!r} in crates/verdict-report/src (reworded?)")
    return ko


def severity_word(lang, s):
    return T(lang, "not judged" if s == "not_judged" else s)


def fmt4(v):
    """crate::fmt4: four decimals."""
    return f"{v:.4f}"


# --- helpers --------------------------------------------------------------------------------------
def need(*keys):
    missing = [k for k in keys if k not in S]
    if missing:
        raise AssertionError(f"an earlier step failed (no {', '.join(missing)})")
    return [S[k] for k in keys]


def verdict(*args):
    p = subprocess.run([ARGS.verdict, *args], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"`verdict {' '.join(args)}` exited {p.returncode}: {p.stderr.strip()[-600:]}")
    return p.stdout


def browser():
    check(D is not None, "the browser did not start (an earlier step failed)")
    return D


def path_with(base, lang=None, **params):
    """base with ?lang= and params added (percent-encoded)."""
    q = {k: v for k, v in params.items() if v is not None}
    if lang:
        q["lang"] = lang
    if not q:
        return base
    return base + ("&" if "?" in base else "?") + urllib.parse.urlencode(q, quote_via=urllib.parse.quote)


def console(allow=()):
    """Fails on SEVERE console messages (the browser's log since the last call), except those
    containing one of `allow`."""
    entries = browser().get_log("browser")
    severe = [e for e in entries if e.get("level") == "SEVERE" and not any(a in e.get("message", "") for a in allow)]
    check(not severe, "SEVERE console messages: " + " | ".join(e["message"] for e in severe))


def no_alert():
    try:
        alert = browser().switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.accept()
    raise AssertionError(f"a dialog opened: {text!r}")


def settle(shot, lang, allow=(), injected=INJECTED):
    """After a page is shown: no dialog, no element matching `injected`, no SEVERE console message,
    the page's language; a screenshot in --screens."""
    d = browser()
    no_alert()
    injected = d.execute_script(f"return [...document.querySelectorAll({injected!r})].map(e => e.outerHTML)")
    check(not injected, f"elements no page has: {injected[:3]}")
    console(allow)
    if lang:
        eq(d.find_element(By.TAG_NAME, "html").get_attribute("lang"), lang, "the page's <html lang>")
    path = ui_browser.screenshot(d, os.path.join(ARGS.screens, f"{shot}-{lang or 'auto'}.png"))
    print(f"  screenshot {os.path.relpath(path)}", flush=True)


def visit(path, shot, lang=None, status=200, allow=(), injected=INJECTED):
    """Opens path (with ?lang=lang), checks the HTTP status the browser got, then settle()."""
    d = browser()
    d.get(URI + path_with(path, lang))
    loaded()
    nav = ui_browser.navigation_timing(d)
    eq(nav and nav.get("responseStatus"), status, f"GET {path_with(path, lang)}: status")
    settle(shot, lang, allow, injected)


def loaded(before=None):
    """Waits until a document other than the one whose performance.timeOrigin was `before` has
    loaded. (Not selenium's staleness_of: chromedriver sometimes answers it for a node of the
    replaced document with an "unhandled inspector error" instead of a stale element.)"""
    def done(d):
        try:
            return d.execute_script(
                "return document.readyState === 'complete' && performance.timeOrigin !== arguments[0]", before)
        except WebDriverException:  # the old document went away mid-call
            return False

    WebDriverWait(browser(), 30).until(done)


def follow(element, shot, lang):
    """Clicks a link or button that loads another page; waits for it; settle()."""
    d = browser()
    before = d.execute_script("return performance.timeOrigin")
    element.click()
    loaded(before)
    status = (ui_browser.navigation_timing(d) or {}).get("responseStatus")
    check(status is not None and status < 500, f"{d.current_url}: status {status}")
    settle(shot, lang)


def text_of(css, root=None):
    return (root or browser()).find_element(By.CSS_SELECTOR, css).text


def table_of(el):
    """A <table> as (header texts, rows of cell texts), as the DOM has them (not as laid out)."""
    return browser().execute_script(
        "const t = arguments[0];"
        "return [[...t.tHead.rows[0].cells].map(c => c.textContent),"
        " [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent))]",
        el,
    )


def section(title):
    """The page's <section> whose <h2> is title."""
    for s in browser().find_elements(By.TAG_NAME, "section"):
        if s.find_element(By.TAG_NAME, "h2").get_attribute("textContent") == title:
            return s
    heads = [h.get_attribute("textContent") for h in browser().find_elements(By.CSS_SELECTOR, "section > h2")]
    raise AssertionError(f"no section {title!r}; the page's sections: {heads}")


def sections_starting(prefix):
    return [s for s in browser().find_elements(By.TAG_NAME, "section")
            if s.find_element(By.TAG_NAME, "h2").get_attribute("textContent").startswith(prefix)]


def runs_table():
    """The runs page's table: the names in its first column, in order."""
    _, rows = table_of(browser().find_element(By.TAG_NAME, "table"))
    return [r[0] for r in rows]


def page_text():
    return browser().execute_script("return document.body.textContent")


def route_missing(path):
    """True when the server has no such route (its API 404, not a page's): a page not merged yet."""
    r = requests.get(URI + path, headers=AUTH, timeout=30)
    return r.status_code == 404 and not r.headers.get("content-type", "").startswith("text/html")


def png(width, height, rgb):
    """A valid PNG of one colour (zlib-compressed RGB rows), for the artifact preview."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# --- setup: the real client, the verdict binary ---------------------------------------------------
@step
def log_seed_runs():
    exp = mlflow.set_experiment(f"{P}-seed001")
    S["exp_id"], S["exp_name"] = exp.experiment_id, exp.name
    S["runs"] = seed001.log_seed_runs(mlflow, C)


@step
def store_evaluations():
    (runs,) = need("runs")
    ledger = ["--store", ARGS.store, "--artifacts", ARGS.artifacts]
    S["fp"] = {}
    for name, *_, test_file in SEED:
        if test_file is None:
            continue
        verdict("eval", test_file, "--run", runs[name]["id"], "--eval-name", "test", *ledger,
                "--bootstrap", BOOTSTRAP, "--format", "json", "--quiet")
        time.sleep(0.01)  # distinct evaluation times: the breast-cancer leaderboard is the newest
        run = C.get_run(runs[name]["id"])
        S["fp"][test_file] = run.data.tags["verdict.eval.test.fingerprint"]
    eq(len(set(S["fp"].values())), 2, "distinct eval-set fingerprints")
    for r in runs.values():  # every run's latest metrics, the evaluations' among them, as the server has them
        r["metrics"] = C.get_run(r["id"]).data.metrics


@step
def register_model():
    (runs,) = need("runs")
    rid = runs["late_fusion_v2"]["id"]
    name = f"{P}-smile-model"
    C.create_registered_model(name, description="seed 000's fine-tuned smile model")
    mv = C.create_model_version(name, f"runs:/{rid}/model", run_id=rid)
    C.set_registered_model_alias(name, "champion", mv.version)
    eq(C.get_model_version_by_alias(name, "champion").version, mv.version, "the alias")
    S["model"] = (name, mv.version, "champion", rid)


@step
def hostile_run():
    exp_id = C.create_experiment(XSS_EXPERIMENT)
    run = C.create_run(exp_id, run_name=XSS_RUN)
    C.log_param(run.info.run_id, "note", XSS_VALUE)
    C.set_tag(run.info.run_id, "comment", XSS_VALUE)
    C.set_terminated(run.info.run_id)
    eq(C.get_run(run.info.run_id).info.run_name, XSS_RUN, "the hostile run's name read back")
    S["xss"] = (exp_id, run.info.run_id)


@step
def log_artifacts():
    (runs,) = need("runs")
    rid = runs["late_fusion_v2"]["id"]
    files = {
        "notes.txt": "plain text ✓ 한국어 <b>not bold</b>\n".encode(),
        "config.json": b'{"lr": 0.001, "layers": [64, 32], "note": "<script>alert(7)</script>"}\n',
        "table.csv": b"id,label,score\n1,1,0.9\n2,0,0.2\n",
        "pixel.png": png(4, 3, (200, 30, 30)),
        "drawing.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="alert(5)">'
                        b'<script>alert(5)</script><rect width="40" height="40" fill="teal"/></svg>\n'),
        "page.html": (b"<!DOCTYPE html><html><body><h1>report</h1><script>alert(4)</script>"
                      b"<img src=x onerror=alert(6)></body></html>\n"),
    }
    with tempfile.TemporaryDirectory() as d:
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            C.log_artifact(rid, os.path.join(d, name), artifact_path="files")
    listed = {os.path.basename(a.path) for a in C.list_artifacts(rid, "files")}
    eq(listed, set(files), "artifacts listed by the server")
    S["artifacts"] = (rid, files)


@step
def start_browser():
    global D
    D = ui_browser.start_chromium(ARGS.token, driver_log=os.environ.get("CHROMEDRIVER_LOG"))
    D.get(URI + "/health")
    eq(D.find_element(By.TAG_NAME, "body").text.strip(), "OK", "the browser reaches /health")
    console()


@step
def unauthenticated_is_401_with_a_basic_challenge():
    r = requests.get(f"{URI}/ui/experiments", timeout=30)
    eq(r.status_code, 401, "GET /ui/experiments without the token")
    check(r.headers.get("WWW-Authenticate", "").startswith("Basic "),
          f"WWW-Authenticate: {r.headers.get('WWW-Authenticate')!r}")
    r = requests.get(f"{URI}/ui/experiments", headers={"Authorization": "Bearer wrong"}, timeout=30)
    eq(r.status_code, 401, "GET /ui/experiments with a wrong token")
    # a browser's basic credentials: any user name, the token as the password
    r = requests.get(f"{URI}/ui/experiments", auth=("anyone", ARGS.token or ""), timeout=30)
    eq(r.status_code, 200, "GET /ui/experiments with basic auth")
    check(r.headers.get("content-type", "").startswith("text/html"), f"content-type {r.headers.get('content-type')}")


# --- the pages, each in both languages ------------------------------------------------------------
def page_experiments(lang):
    exp_id, exp_name, (xss_exp, _) = S["exp_id"], S["exp_name"], S["xss"]
    visit("/ui/experiments", "experiments", lang)
    eq(text_of("h1"), T(lang, "Experiments"), "h1")
    heads, rows = table_of(browser().find_element(By.TAG_NAME, "table"))
    eq(heads, [T(lang, "experiment"), "id", T(lang, "runs"), T(lang, "last activity (UTC)")], "headers")
    by_id = {r[1]: r for r in rows}
    eq(by_id.get(exp_id, [None])[0], exp_name, "the seed experiment's row")
    eq(by_id[exp_id][2], str(len(SEED)), "its run count")
    eq(by_id.get(xss_exp, [None])[0], XSS_EXPERIMENT, "the hostile experiment's name, as text")
    eq(by_id[xss_exp][2], "1", "its run count")
    # the newest activity first: the hostile experiment was made last
    check(rows[0][1] == xss_exp, f"first row {rows[0]}, want the newest experiment {xss_exp}")
    link = browser().find_element(By.LINK_TEXT, exp_name)
    eq(urllib.parse.urlparse(link.get_attribute("href")).path, f"/ui/experiments/{exp_id}", "its link")


def page_runs(lang):
    exp_id, runs = S["exp_id"], S["runs"]
    visit(f"/ui/experiments/{exp_id}", "runs", lang)
    eq(text_of("h1"), S["exp_name"], "h1")
    heads, rows = table_of(browser().find_element(By.TAG_NAME, "table"))
    eq(heads[:7], [T(lang, w) for w in ("run", "status", "started (UTC)", "duration", "user", "rules", "findings")],
       "headers")
    eq(sorted(r[0] for r in rows), sorted(runs), "the runs' names")
    eq({r[1] for r in rows}, {"FINISHED"}, "statuses")
    # no ?cols=: the first DEFAULT_METRIC_COLUMNS (5) metric keys of the page's runs, training
    # metrics (in key order) before the stored evaluations' (`test/…`, in key order, no _ci_ keys)
    keys = sorted({(k.startswith("test/"), k) for r in runs.values() for k in r["metrics"]
                   if not (k.startswith("test/") and (k.endswith("_ci_low") or k.endswith("_ci_high")))})
    eq(heads[7:], [f"metrics.{k}" for _, k in keys[:5]], "the default columns")
    for r in rows:
        eq(r[heads.index("metrics.loss")], fmt4(runs[r[0]]["train"][-1]), f"{r[0]}: the latest loss shown")
        eq(r[heads.index("metrics.val_loss")], fmt4(runs[r[0]]["val"][-1]), f"{r[0]}: the latest val_loss shown")
    # each run's findings badge: its curve checks' worst status, linked to the run's findings
    badges = browser().find_elements(By.CSS_SELECTOR, "table a.badge")
    eq(len(badges), len(rows), "one findings badge per run")
    for b in badges:
        check(b.get_attribute("href").endswith("#findings"), f"badge link {b.get_attribute('href')}")
        check(b.text.split()[-1] in {T(lang, w) for w in ("fail", "warn", "info", "ok")}, f"badge text {b.text!r}")
    eq(text_of("p.count"), f"{len(SEED)} {T(lang, 'runs on this page')}", "the count line")
    report = browser().find_element(
        By.LINK_TEXT, T(lang, "Experiment report: overfitting and leaderboards per eval set"))
    href = urllib.parse.urlparse(report.get_attribute("href"))
    eq(href.path, f"/ui/experiments/{exp_id}/report", "report link")
    eq(urllib.parse.parse_qs(href.query).get("eval"), ["test"], "the report link names the runs' evaluation")


def page_runs_filter(lang):
    exp_id, runs = S["exp_id"], S["runs"]
    visit(f"/ui/experiments/{exp_id}", "runs-filter", lang)
    d = browser()
    # typed into the page's form, as a person would
    box = d.find_element(By.NAME, "filter")
    box.clear()
    box.send_keys("metrics.val_loss < 1.0")
    follow(d.find_element(By.XPATH, f"//form//button[normalize-space()='{T(lang, 'Apply')}']"), "runs-filter", lang)
    q = urllib.parse.parse_qs(urllib.parse.urlparse(d.current_url).query)
    eq(q.get("filter"), ["metrics.val_loss < 1.0"], "the filter in the URL")
    eq(q.get("lang"), [lang], "the language kept")
    want = sorted(n for n, r in runs.items() if r["val"][-1] < 1.0)
    check(0 < len(want) < len(runs), f"the filter must narrow the table: {want}")
    eq(sorted(runs_table()), want, "runs with val_loss < 1.0")
    eq(d.find_element(By.NAME, "filter").get_attribute("value"), "metrics.val_loss < 1.0", "the box keeps the filter")
    check(not d.find_elements(By.CSS_SELECTOR, "[role=alert]"), "an error shown for a valid filter")


def page_runs_invalid_filter(lang):
    exp_id = S["exp_id"]
    bad = "metrics.val_loss <<< 'x"
    visit(path_with(f"/ui/experiments/{exp_id}", filter=bad), "runs-invalid-filter", lang)
    d = browser()
    alerts = d.find_elements(By.CSS_SELECTOR, "p.error[role=alert]")
    eq(len(alerts), 1, "error messages shown")
    check(alerts[0].is_displayed() and alerts[0].text.strip(), "the error message is empty or hidden")
    eq(runs_table(), [], "runs shown for an invalid filter")
    eq(d.find_element(By.NAME, "filter").get_attribute("value"), bad, "the box keeps what was typed")


def page_runs_sort(lang):
    exp_id, runs = S["exp_id"], S["runs"]
    visit(f"/ui/experiments/{exp_id}", "runs-sort", lang)
    d = browser()
    # the columns typed into the form
    box = d.find_element(By.NAME, "cols")
    box.clear()
    box.send_keys("metrics.val_loss,metrics.test/roc_auc")
    follow(d.find_element(By.XPATH, f"//form//button[normalize-space()='{T(lang, 'Apply')}']"), "runs-sort", lang)
    heads, rows = table_of(d.find_element(By.TAG_NAME, "table"))
    eq(heads[7:], ["metrics.val_loss", "metrics.test/roc_auc"], "the columns asked for")
    for r in rows:
        eq(r[7], fmt4(runs[r[0]]["val"][-1]), f"{r[0]}: the latest val_loss shown")
        auc = runs[r[0]]["metrics"].get("test/roc_auc")
        eq(r[8], "-" if auc is None else fmt4(auc), f"{r[0]}: test/roc_auc shown")

    def header(text):
        return d.find_element(By.XPATH, f"//thead//th/a[normalize-space()='{text}']")

    follow(header(T(lang, "run")), "runs-sort", lang)
    eq(runs_table(), sorted(runs), "ordered by run name, ascending")
    follow(header(T(lang, "run")), "runs-sort", lang)
    eq(runs_table(), sorted(runs, reverse=True), "then descending")
    follow(header("metrics.val_loss"), "runs-sort", lang)
    eq(runs_table(), sorted(runs, key=lambda n: runs[n]["val"][-1]), "ordered by val_loss, ascending")
    q = urllib.parse.parse_qs(urllib.parse.urlparse(d.current_url).query)
    eq(q.get("order_by"), ["metrics.val_loss ASC"], "the order in the URL")


SERIES_JS = """
const svg = arguments[0];
return [...svg.querySelectorAll('g.series')].map(g => {
  const p = g.querySelector('polyline');
  const pts = p ? [...Array(p.points.numberOfItems).keys()].map(i => [p.points.getItem(i).x, p.points.getItem(i).y]) : [];
  const box = p ? p.getBoundingClientRect() : {width: 0, height: 0};
  return {title: g.querySelector('title').textContent, pts: pts, drawn: box.width > 100 && box.height > 10};
});
"""


def page_run(lang):
    runs, fps = S["runs"], S["fp"]
    name, n, best_at, best = "late_fusion_v2", 12, 5, 0.475
    run = runs[name]
    visit(f"/ui/runs/{run['id']}", "run", lang)
    d = browser()
    eq(text_of("h1"), name, "h1")
    eq(d.title, name, "title")
    # the curve: one SVG figure for loss + val_loss, every logged point, the best step circled
    curves = section(T(lang, "Curves"))
    # the caption: the plot's title, then whether every point is drawn
    figs = {f.find_element(By.TAG_NAME, "figcaption").text.split(" — ")[0]: f
            for f in curves.find_elements(By.CSS_SELECTOR, "figure.history")}
    for f in figs.values():
        eq(f.find_element(By.TAG_NAME, "figcaption").text.split(" — ")[1], T(lang, "every point"), "the caption's note")
    eq(sorted(figs), ["loss"], "plots (train and validation loss together)")
    svg = figs["loss"].find_element(By.TAG_NAME, "svg")
    series = {s["title"]: s for s in d.execute_script(SERIES_JS, svg)}
    eq(sorted(series), ["loss", "val_loss"], "series")
    for key in ("loss", "val_loss"):
        eq(len(series[key]["pts"]), n, f"{key}: polyline points (one per logged epoch)")
        check(series[key]["drawn"], f"{key}: the polyline has no size on the page")
    ys = [y for _, y in series["val_loss"]["pts"]]
    lowest = max(range(n), key=lambda i: ys[i])  # SVG y grows downwards: the smallest loss is the largest y
    eq(lowest, best_at - 1, "the point drawn lowest is the best epoch's")
    mark = svg.find_element(By.CSS_SELECTOR, "g.mark")
    eq(mark.find_element(By.TAG_NAME, "title").get_attribute("textContent"),
       f"{T(lang, 'best at step')} {best_at} ({best:.4f})", "the best step's label")
    circle = mark.find_element(By.TAG_NAME, "circle")
    cx, cy = float(circle.get_attribute("cx")), float(circle.get_attribute("cy"))
    bx, by = series["val_loss"]["pts"][best_at - 1]
    check(abs(cx - bx) < 0.6 and abs(cy - by) < 0.6, f"the mark at ({cx}, {cy}), the best point at ({bx}, {by})")
    check(circle.size["width"] > 0, "the mark is not drawn")
    # the evaluation: eval set fingerprint, the metrics with their intervals
    ev = section(T(lang, "Evaluations"))
    eq(text_of("h3", ev), "test", "the evaluation's name")
    items = [li.get_attribute("textContent") for li in ev.find_elements(By.TAG_NAME, "li")]
    eq(items[0], f"{T(lang, 'eval set')}: {fps[SMILE_BEST]}", "the eval set's fingerprint")
    check(any(i.startswith(f"{T(lang, 'rows')}: ") for i in items), f"no rows line: {items}")
    heads, rows = table_of(ev.find_element(By.TAG_NAME, "table"))
    eq(heads, [T(lang, "metric"), T(lang, "value"), T(lang, "interval")], "evaluation headers")
    m = run["metrics"]
    by_metric = {r[0]: r for r in rows}
    eq(by_metric.get("roc_auc"), ["roc_auc", fmt4(m["test/roc_auc"]),
                                  f"{fmt4(m['test/roc_auc_ci_low'])} … {fmt4(m['test/roc_auc_ci_high'])}"],
       "roc_auc with its interval")
    # the evaluation's metrics are not in the metrics table, the curves' are
    _, mrows = table_of(section(T(lang, "Metrics")).find_element(By.TAG_NAME, "table"))
    eq(sorted(r[0] for r in mrows), ["loss", "val_loss"], "the metrics table")
    # findings: verdict check --run, the overfitting of this curve among them
    _, frows = table_of(section(T(lang, "Findings")).find_element(By.TAG_NAME, "table"))
    check(any("overfitting" in r[1] for r in frows), f"no overfitting finding: {frows}")


def page_report(lang):
    exp_id, runs, fps = S["exp_id"], S["runs"], S["fp"]
    visit(path_with(f"/ui/experiments/{exp_id}/report", eval="test"), "report", lang)
    heads, rows = table_of(section(T(lang, "Overfitting")).find_element(By.TAG_NAME, "table"))
    eq(heads, [T(lang, h) for h in ("run", "curve", "first/last train", "best epoch / total",
                                    "val best → last", "overfitting")], "overfitting headers")
    got = {r[0]: (r[1], r[3], r[5]) for r in rows}
    want = {name: ("val_loss", f"{best_at}/{n}", severity_word(lang, sev)) for name, n, best_at, *_, sev, _ in SEED}
    eq(got, want, "overfitting rows (run: curve, best epoch / total, severity)")
    current = sections_starting(T(lang, LB_CURRENT))
    older = sections_starting(T(lang, LB_OLDER))
    eq((len(current), len(older)), (1, 1), "leaderboards (current, older)")
    for sec, prefix, files in ((current[0], LB_CURRENT, [BREAST]), (older[0], LB_OLDER, [SMILE_BEST, SMILE_OTHER])):
        title = sec.find_element(By.TAG_NAME, "h2").get_attribute("textContent")
        eq(title, T(lang, prefix) + fps[files[0]], "leaderboard heading (one per fingerprint)")
        _, board = table_of(sec.find_element(By.TAG_NAME, "table"))
        names = [next(n for n, *_, f in SEED if f == path) for path in files]
        eq([(r[0], r[1]) for r in board], [(str(i + 1), nm) for i, nm in enumerate(names)], f"{title}: rank, run")
        eq(board[0][3], T(lang, "best"), f"{title}: the first is the best")
        for r in board:
            value = runs[r[1]]["metrics"]["test/roc_auc"]
            check(r[2].startswith(fmt4(value)), f"{title}: {r[1]}: value {r[2]!r}, ROC AUC {value}")


def page_mlflow_links(lang):
    exp_id, runs = S["exp_id"], S["runs"]
    rid = runs["drn_aspp"]["id"]
    d = browser()
    if lang == "ko":  # no ?lang= on these links: the browser's language decides
        ui_browser.set_accept_language(d, "ko-KR,ko;q=0.9,en;q=0.5")
    try:
        eq(d.execute_script("return navigator.languages[0]"), "ko-KR" if lang == "ko" else "en-US", "browser language")
        for link, want, shot in (
            (f"/#/experiments/{exp_id}/runs/{rid}", f"/ui/runs/{rid}", "mlflow-link-run"),
            (f"/#/experiments/{exp_id}", f"/ui/experiments/{exp_id}", "mlflow-link-experiment"),
            ("/", "/ui/experiments", "home"),
        ):
            d.get(URI + link)
            WebDriverWait(d, 30).until(lambda d: urllib.parse.urlparse(d.current_url).path == want)
            loaded()
            eq(ui_browser.navigation_timing(d).get("responseStatus"), 200, f"{link} → {want}: status")
            settle(shot, lang)
        d.get(URI + f"/#/experiments/{exp_id}/runs/{rid}")
        WebDriverWait(d, 30).until(lambda d: urllib.parse.urlparse(d.current_url).path == f"/ui/runs/{rid}")
        eq(text_of("h1"), "drn_aspp", "the run page the link lands on")
        section(T(lang, "Curves"))
        settle("mlflow-link-run", lang)
    finally:
        if lang == "ko":
            ui_browser.set_accept_language(d, None)


def page_hostile_names(lang):
    xss_exp, xss_run = S["xss"]
    d = browser()
    visit(f"/ui/experiments/{xss_exp}", "xss-runs", lang)
    eq(text_of("h1"), XSS_EXPERIMENT, "the experiment's name as text")
    eq(runs_table(), [XSS_RUN], "the run's name as text")
    link = d.find_element(By.CSS_SELECTOR, "tbody td a")
    eq(urllib.parse.urlparse(link.get_attribute("href")).path, f"/ui/runs/{xss_run}", "its link")
    follow(link, "xss-run", lang)
    eq(text_of("h1"), XSS_RUN, "h1")
    eq(d.title, XSS_RUN, "title")
    for title, key in (("Parameters", "note"), ("Tags", "comment")):
        _, rows = table_of(section(T(lang, title)).find_element(By.TAG_NAME, "table"))
        eq([r for r in rows if r[0] == key], [[key, XSS_VALUE]], f"{title}: {key} as text")
    text = page_text()
    for s in (XSS_RUN, XSS_VALUE, XSS_EXPERIMENT):
        check(s in text, f"{s!r} not on the page as text")


def page_missing_run(lang):
    visit("/ui/runs/0123456789abcdef0123456789abcdef", "missing-run", lang, status=404,
          allow=("status of 404",))
    eq(text_of("h1"), T(lang, "Not shown"), "h1")
    check(text_of("[role=alert]").strip(), "no message")


def page_compare(lang):
    runs = S["runs"]
    same = f"{runs['late_fusion_v2']['id']},{runs['resnet18_no_x']['id']}"
    if route_missing(path_with("/ui/compare", runs=same)):
        return ("skip", "/ui/compare is not routed yet")
    visit(path_with("/ui/compare", runs=same), "compare", lang)
    text = page_text()
    for name in ("late_fusion_v2", "resnet18_no_x"):
        check(name in text, f"{name} not on the compare page")
    check(S["fp"][SMILE_BEST] in text, "the shared eval set's fingerprint is not on the page")
    # two eval sets: refused, with the reason on the page (not a 5xx)
    other = f"{runs['late_fusion_v2']['id']},{runs['drn_aspp']['id']}"
    d = browser()
    d.get(URI + path_with("/ui/compare", lang, runs=other))
    status = ui_browser.navigation_timing(d).get("responseStatus")
    check(status < 500, f"comparing runs on two eval sets: status {status}")
    check(text_of("[role=alert]").strip(), "no reason shown for comparing two eval sets")
    settle("compare-refused", lang, allow=(f"status of {status}",))


def page_models(lang):
    name, version, alias, rid = S["model"]
    if route_missing("/ui/models"):
        return ("skip", "/ui/models is not routed yet")
    visit("/ui/models", "models", lang)
    link = browser().find_element(By.LINK_TEXT, name)
    follow(link, "model", lang)
    eq(urllib.parse.urlparse(browser().current_url).path, f"/ui/models/{urllib.parse.quote(name)}", "model page")
    text = page_text()
    check(name in text, "the model's name is not on its page")
    check(alias in text, f"the alias {alias!r} is not on the model's page")
    rows = [table_of(t)[1] for t in browser().find_elements(By.TAG_NAME, "table")]
    check(any(version in r for t in rows for r in t), f"version {version} in no table: {rows}")
    check(browser().find_elements(By.CSS_SELECTOR, f"a[href^='/ui/runs/{rid}']"), "no link to the version's run")


def page_artifacts(lang):
    rid, files = S["artifacts"]
    base = f"/ui/runs/{rid}/artifacts"
    if route_missing(base):
        return ("skip", f"{base.replace(rid, '{id}')} is not routed yet")
    visit(path_with(base, path="files"), "artifacts", lang)
    text = page_text()
    for name in files:
        check(name in text, f"{name} not in the listing")
    # A preview shows a file; script in an .html or .svg never runs (a blocked script is logged).
    # An image preview is an <img> (of this server), an .html one may be a sandboxed frame: only
    # script and event handlers in the page itself count as injected.
    blocked = ("Blocked script execution", "Refused to execute", "Content Security Policy", "Content-Security-Policy")
    for name, data in files.items():
        visit(path_with(base, path=f"files/{name}"), f"artifact-{name.replace('.', '-')}", lang, allow=blocked,
              injected="script, [onerror], [onload], [onclick]")
        foreign = browser().execute_script(
            "return [...document.querySelectorAll('img, iframe')].map(e => e.src)"
            ".filter(u => u && !u.startsWith(location.origin) && !u.startsWith('data:') && u !== 'about:srcdoc')")
        check(not foreign, f"{name}: the preview loads from elsewhere: {foreign}")
        shown = page_text()
        if name.endswith(".txt"):
            check(data.decode().strip() in shown, f"{name}: its text is not shown as text")
        elif name.endswith(".csv"):  # as text or as a table: every field shows
            for field in data.decode().replace("\n", ",").split(","):
                check(field in shown, f"{name}: {field!r} not shown")
        elif name.endswith(".json"):
            check("<script>alert(7)</script>" in shown and "layers" in shown, f"{name}: its content is not shown as text")


PAGES = [
    page_experiments,
    page_runs,
    page_runs_filter,
    page_runs_invalid_filter,
    page_runs_sort,
    page_run,
    page_report,
    page_mlflow_links,
    page_hostile_names,
    page_missing_run,
    page_compare,
    page_models,
    page_artifacts,
]


def page_step(fn, lang):
    def run():
        return fn(lang)

    run.__name__ = f"{fn.__name__.removeprefix('page_')}_{lang}"
    return run


for _fn in PAGES:
    for _lang in LANGS:
        step(page_step(_fn, _lang))


@step
def korean_from_the_browser_language():
    """No ?lang=: a browser whose first language is Korean gets the Korean pages."""
    d = browser()
    ui_browser.set_accept_language(d, "ko-KR,ko;q=0.9")
    try:
        visit("/ui/experiments", "experiments-accept-language", None)
        eq(d.find_element(By.TAG_NAME, "html").get_attribute("lang"), "ko", "<html lang>")
        eq(text_of("h1"), T("ko", "Experiments"), "h1")
        visit(f"/ui/runs/{S['runs']['late_fusion_v2']['id']}", "run-accept-language", None)
        section(T("ko", "Curves"))
        # ?lang= wins over the browser's language
        visit("/ui/experiments", "experiments-accept-language-en", "en")
        eq(text_of("h1"), "Experiments", "h1 with ?lang=en")
    finally:
        ui_browser.set_accept_language(d, None)


# --- runner ---------------------------------------------------------------------------------------
def main():
    def close():
        if D is not None:
            D.quit()

    return run_steps(only=ARGS.only, verbose=ARGS.verbose, after=close, trailer=f"prefix {P}, uri {URI}")


if __name__ == "__main__":
    sys.exit(main())
