//! `verdict server` as a real process: SIGKILL durability (every acknowledged write is there
//! after a restart on the same database), graceful SIGTERM, the printed URL. SQLite always;
//! PostgreSQL on the server at `VERDICT_TEST_PG_URL` (scripts/pg.sh), which is required unless
//! `VERDICT_TEST_PG_OPTIONAL=1` — the store conformance suite's rule.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use verdict_store::testing::PgTestDb;

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `verdict server --port 0` and reads the port from the line it prints.
fn start(store: &str, artifacts: &Path) -> Server {
    start_with(store, artifacts, Stdio::inherit())
}

/// [`start`] with the server's stderr sent to `stderr`.
fn start_with(store: &str, artifacts: &Path, stderr: Stdio) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["server", "--store", store, "--port", "0", "--artifacts"])
        .arg(artifacts)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("spawn verdict server");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the first line");
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    Server { child, port }
}

/// Sends SIGTERM and waits (at most 20 s) for the exit; returns the exit status and, when stderr
/// was piped, everything the server wrote there.
fn terminate(server: &mut Server) -> (std::process::ExitStatus, String) {
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(killed.success());
    let t0 = Instant::now();
    let status = loop {
        if let Some(st) = server.child.try_wait().expect("wait") {
            break st;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "no exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    if let Some(mut e) = server.child.stderr.take() {
        e.read_to_string(&mut err).expect("read stderr");
    }
    (status, err)
}

/// One HTTP/1.1 request on a fresh connection; `None` when the connection fails.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Option<(u16, Value)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).ok()?;
    let text = String::from_utf8_lossy(&resp);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let json = if body.trim().is_empty() {
        json!({})
    } else {
        serde_json::from_str(body).unwrap_or(Value::String(body.to_owned()))
    };
    Some((status, json))
}

fn ok(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let (status, v) = http(port, method, path, body).expect("request");
    assert_eq!(status, 200, "{method} {path}: {v}");
    v
}

fn durability(store: &str, dir: &Path) {
    let artifacts = dir.join("artifacts");
    let server = start(store, &artifacts);
    let port = server.port;
    let api = "/api/2.0/mlflow";
    let exp = ok(
        port,
        "POST",
        &format!("{api}/experiments/create"),
        Some(&json!({"name": "kill"})),
    )["experiment_id"]
        .as_str()
        .expect("experiment_id")
        .to_owned();
    let run = ok(
        port,
        "POST",
        &format!("{api}/runs/create"),
        Some(&json!({"experiment_id": exp})),
    )["run"]["info"]["run_id"]
        .as_str()
        .expect("run_id")
        .to_owned();
    // Two writers: single points and 100-point batches, each recording what was acknowledged.
    let acked_points = Arc::new(Mutex::new(Vec::<i64>::new()));
    let acked_batches = Arc::new(Mutex::new(Vec::<i64>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for batch in [false, true] {
        let (run, stop) = (run.clone(), stop.clone());
        let acked = if batch {
            acked_batches.clone()
        } else {
            acked_points.clone()
        };
        writers.push(std::thread::spawn(move || {
            for i in 0i64.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let (path, body) = if batch {
                    let metrics: Vec<Value> = (0..100)
                        .map(|j| json!({"key": "b", "value": j, "timestamp": i, "step": i * 100 + j}))
                        .collect();
                    ("runs/log-batch", json!({"run_id": run, "metrics": metrics}))
                } else {
                    ("runs/log-metric", json!({"run_id": run, "key": "p", "value": i, "timestamp": i, "step": i}))
                };
                match http(port, "POST", &format!("/api/2.0/mlflow/{path}"), Some(&body)) {
                    Some((200, _)) => acked.lock().expect("lock").push(i),
                    _ => break, // killed mid-request: not acknowledged
                }
            }
        }));
    }
    let t0 = Instant::now();
    while acked_points.lock().expect("lock").len() < 100
        || acked_batches.lock().expect("lock").len() < 10
    {
        assert!(t0.elapsed() < Duration::from_secs(60), "writers too slow");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL while both writers are mid-stream.
    let mut server = server;
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().expect("writer");
    }
    drop(server);
    let points = acked_points.lock().expect("lock").clone();
    let batches = acked_batches.lock().expect("lock").clone();

    let again = start(store, &artifacts);
    let hist = |key: &str| -> Vec<i64> {
        let v = ok(
            again.port,
            "GET",
            &format!("{api}/metrics/get-history?run_id={run}&metric_key={key}"),
            None,
        );
        v["metrics"]
            .as_array()
            .map(|a| a.iter().filter_map(|m| m["step"].as_i64()).collect())
            .unwrap_or_default()
    };
    let got_points = hist("p");
    for i in &points {
        assert!(
            got_points.contains(i),
            "acknowledged point {i} lost after SIGKILL"
        );
    }
    let got_batch_steps = hist("b");
    for i in &batches {
        for j in 0..100 {
            assert!(
                got_batch_steps.contains(&(i * 100 + j)),
                "acknowledged batch {i} lost"
            );
        }
    }
    // A batch is all or nothing, acknowledged or not.
    assert_eq!(got_batch_steps.len() % 100, 0, "a torn batch");
    let run_doc = ok(
        again.port,
        "GET",
        &format!("{api}/runs/get?run_id={run}"),
        None,
    );
    assert_eq!(run_doc["run"]["info"]["run_id"], run.as_str());
}

#[test]
fn sqlite_acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = format!("sqlite:///{}", dir.path().join("v.db").display());
    durability(&store, dir.path());
}

#[test]
fn postgres_acknowledged_writes_survive_sigkill() {
    let Some(db) = PgTestDb::create("kill", "the server crash tests") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    durability(&db.url, dir.path());
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = format!("sqlite:///{}", dir.path().join("v.db").display());
    let mut server = start_with(&store, &dir.path().join("artifacts"), Stdio::piped());
    let (status, _) = http(server.port, "GET", "/health", None).expect("health");
    assert_eq!(status, 200);
    let (st, err) = terminate(&mut server);
    assert!(st.success(), "exit status after SIGTERM: {st}");
    assert_eq!(
        err,
        "verdict server stopped (SIGTERM): running requests finished, the store was closed, and \
         every acknowledged write is committed\n"
    );
}

/// A SIGTERM sent the moment the address is printed (before any request) still stops the server
/// cleanly: the handlers are installed before the URL is printed.
#[test]
fn sigterm_right_after_start_still_stops_cleanly() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = format!("sqlite:///{}", dir.path().join("v.db").display());
        let mut server = start_with(&store, &dir.path().join("artifacts"), Stdio::null());
        let (st, _) = terminate(&mut server);
        assert!(st.success(), "exit status after an early SIGTERM: {st}");
    }
}

#[test]
fn busy_port_names_the_port_and_port_0() {
    let dir = tempfile::tempdir().expect("temp dir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["server", "--port", &port.to_string()])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        format!(
            "error: verdict server: cannot listen on 127.0.0.1:{port}: port {port} is already in \
             use by another program (another verdict or mlflow server?); choose another with \
             --port N, or --port 0 to let the system pick a free one (the URL is printed)\n"
        )
    );
    // The OS message is not printed (let alone twice), and nothing was swept or served.
    assert!(!err.contains("os error"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn start_removes_temp_files_of_killed_uploads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let arts = dir.path().join("artifacts");
    let sub = arts.join("1/run/artifacts");
    std::fs::create_dir_all(&sub).expect("dirs");
    let hex = "0123456789abcdef0123456789abcdef";
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    let stale = sub.join(format!(".model.pkl.tmp-{hex}"));
    let users = [sub.join("model.pkl"), sub.join(".notes.tmp-mine")];
    for p in std::iter::once(&stale).chain(&users) {
        let f = std::fs::File::create(p).expect("create");
        f.set_modified(old).expect("mtime");
    }
    let store = format!("sqlite:///{}", dir.path().join("v.db").display());
    let mut server = start_with(&store, &arts, Stdio::piped());
    assert!(
        !stale.exists(),
        "the killed upload's temporary file is gone"
    );
    for u in &users {
        assert!(u.exists(), "{} must survive", u.display());
    }
    let (status, _) = http(server.port, "GET", "/health", None).expect("health");
    assert_eq!(status, 200);
    let (_, err) = terminate(&mut server);
    let first = err.lines().next().unwrap_or("");
    assert_eq!(
        first,
        format!(
            "verdict server: removed 1 temporary file(s) of uploads that never finished: \
             1/run/artifacts/.model.pkl.tmp-{hex}"
        )
    );
}

#[test]
fn bad_store_url_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["server", "--store", "mysql://x/y", "--port", "0"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mysql://x/y"), "{err}");
}
