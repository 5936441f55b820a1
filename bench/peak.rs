//! The machine's single-precision FMA peak, for the GFLOP/s column of the retrieval benchmark.
//!
//!     rustc -O -C target-cpu=native bench/peak.rs -o bench-data/peak && bench-data/peak
//!
//! Each thread runs 12 independent accumulators of 16 f32 lanes through `mul_add` (fused
//! multiply-add, 2 FLOP per lane), enough independent chains to cover the FMA latency, for a fixed
//! number of rounds; one thread, then one per core. Prints JSON: GFLOP/s for one thread and for
//! all. This is an attainable ceiling (what a perfect GEMM kernel could reach), not a datasheet
//! figure; `target-cpu=native` lets the compiler use the widest FMA this CPU has.
use std::hint::black_box;
use std::time::Instant;

const CHAINS: usize = 12;
const LANES: usize = 16;
const ROUNDS: usize = 200_000_000 / (CHAINS * LANES) * 16;

#[inline(always)]
fn fma16(c: [f32; LANES], a: &[f32; LANES], b: &[f32; LANES]) -> [f32; LANES] {
    std::array::from_fn(|l| c[l].mul_add(a[l], b[l]))
}

fn kernel() -> f32 {
    let a = black_box([0.999_999_9f32; LANES]);
    let b = black_box([1e-7f32; LANES]);
    // Twelve accumulators held in registers (by value), updated round-robin.
    let z = [0f32; LANES];
    let (mut c0, mut c1, mut c2, mut c3, mut c4, mut c5) = (z, z, z, z, z, z);
    let (mut c6, mut c7, mut c8, mut c9, mut c10, mut c11) = (z, z, z, z, z, z);
    for _ in 0..ROUNDS {
        c0 = fma16(c0, &a, &b);
        c1 = fma16(c1, &a, &b);
        c2 = fma16(c2, &a, &b);
        c3 = fma16(c3, &a, &b);
        c4 = fma16(c4, &a, &b);
        c5 = fma16(c5, &a, &b);
        c6 = fma16(c6, &a, &b);
        c7 = fma16(c7, &a, &b);
        c8 = fma16(c8, &a, &b);
        c9 = fma16(c9, &a, &b);
        c10 = fma16(c10, &a, &b);
        c11 = fma16(c11, &a, &b);
    }
    [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11]
        .iter()
        .flatten()
        .sum()
}

fn gflops(threads: usize) -> f64 {
    let t = Instant::now();
    let sums: Vec<f32> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads).map(|_| s.spawn(kernel)).collect();
        hs.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    black_box(sums);
    let flop = (threads * ROUNDS * CHAINS * LANES * 2) as f64;
    flop / t.elapsed().as_secs_f64() / 1e9
}

fn main() {
    let n = std::thread::available_parallelism().map_or(1, |n| n.get());
    let one = (0..3).map(|_| gflops(1)).fold(0.0, f64::max);
    let all = (0..3).map(|_| gflops(n)).fold(0.0, f64::max);
    println!("{{\"threads\": {n}, \"gflops_one_thread\": {one:.1}, \"gflops_all_threads\": {all:.1}}}");
}
