//! Rough timings of the store's hot paths (not a benchmark: bench/ compares against MLflow).
//!
//!     cargo run -p verdict-store --example store_timing [--release] [STORE_URL]
//!
//! Defaults to a SQLite file in a temp dir. Prints: log_batch of 1000 metrics, search_runs over
//! 10,000 runs with a metric filter, get_metric_history of 100,000 points.

use std::time::Instant;

use verdict_store::{Metric, NewRun, RunQuery, Store, ViewType};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("sqlite:///{}", dir.path().join("t.db").display()));
    let store = Store::open(&url)?;
    let exp = store.create_experiment("timing", None, &[])?;
    let new_run = |name: String, start: i64| NewRun {
        experiment_id: exp.clone(),
        user_id: None,
        run_name: Some(name),
        start_time: Some(start),
        tags: vec![],
    };
    let run = store.create_run(&new_run("batch".into(), 0))?.info.run_id;
    let t = Instant::now();
    let n = 20;
    for b in 0..n {
        let metrics: Vec<Metric> = (0..1000)
            .map(|i| {
                Metric::new(
                    format!("m{}", i % 10),
                    f64::from(i),
                    1,
                    i64::from(b * 1000 + i),
                )
            })
            .collect();
        store.log_batch(&run, &metrics, &[], &[])?;
    }
    println!(
        "log_batch 1000 metrics: {:.2} ms per call",
        t.elapsed().as_secs_f64() * 1e3 / f64::from(n)
    );

    let t = Instant::now();
    for i in 0..100 {
        let metrics: Vec<Metric> = (0..1000)
            .map(|j| Metric::new("loss", f64::from(j), 1, i64::from(i * 1000 + j)))
            .collect();
        store.log_batch(&run, &metrics, &[], &[])?;
    }
    println!(
        "100,000 points ingested in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let h = store.get_metric_history(&run, "loss", None, None)?;
    println!(
        "get_metric_history {} points: {:.1} ms",
        h.items.len(),
        t.elapsed().as_secs_f64() * 1e3
    );

    let t = Instant::now();
    for i in 0..10_000i64 {
        let id = store.create_run(&new_run(format!("r{i}"), i))?.info.run_id;
        #[allow(clippy::cast_precision_loss)]
        store.log_batch(
            &id,
            &[Metric::new("acc", (i % 100) as f64 / 100.0, 1, 0)],
            &[],
            &[],
        )?;
    }
    println!("10,000 runs created in {:.1} s", t.elapsed().as_secs_f64());
    let q = RunQuery {
        experiment_ids: vec![exp.clone()],
        filter: "metrics.acc > 0.9".into(),
        order_by: vec!["metrics.acc DESC".into()],
        max_results: 100,
        page_token: None,
        view: ViewType::ActiveOnly,
    };
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let page = store.search_runs(&q)?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(page.items.len(), 100);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "search_runs (10,000 runs, metric filter, order, page of 100): p50 {:.1} ms",
        times[10]
    );
    Ok(())
}
