//! Per-minute and per-hour sums of probe results, so charts and 30-day
//! success metrics read hundreds of rows instead of millions.
//!
//! Latencies are also counted in fixed buckets (a histogram), which keeps
//! percentiles such as p95 computable from the sums alone.

use rusqlite::{Connection, OptionalExtension, params};

use super::probe::{Outcome, ProbeVerdict};
use crate::Result;

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 3600;

/// Upper bounds (ms) of the latency buckets; the last bucket is open.
pub const BUCKET_BOUNDS_MS: [u64; 19] = [
    5, 10, 25, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 10_000,
    30_000,
];
const BUCKETS: usize = BUCKET_BOUNDS_MS.len() + 1;

/// Latency counts per bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram(pub [u64; BUCKETS]);

impl Default for Histogram {
    fn default() -> Self {
        Histogram([0; BUCKETS])
    }
}

impl Histogram {
    pub fn add(&mut self, latency_ms: u64) {
        let bucket = BUCKET_BOUNDS_MS
            .iter()
            .position(|bound| latency_ms <= *bound)
            .unwrap_or(BUCKETS - 1);
        self.0[bucket] += 1;
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0.iter()) {
            *mine += theirs;
        }
    }

    pub fn count(&self) -> u64 {
        self.0.iter().sum()
    }

    /// The `q` quantile (0..1), interpolated inside its bucket.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = (q * total as f64).ceil().max(1.0);
        let mut seen = 0u64;
        for (index, count) in self.0.iter().enumerate() {
            if *count == 0 {
                continue;
            }
            if (seen + count) as f64 >= rank {
                let low = if index == 0 {
                    0
                } else {
                    BUCKET_BOUNDS_MS[index - 1]
                } as f64;
                let high = BUCKET_BOUNDS_MS
                    .get(index)
                    .map(|b| *b as f64)
                    .unwrap_or(low * 2.0);
                let within = (rank - seen as f64) / *count as f64;
                return Some(low + (high - low) * within);
            }
            seen += count;
        }
        None
    }

    /// Little-endian u32 per bucket: 80 bytes a row.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0
            .iter()
            .flat_map(|n| (u32::try_from(*n).unwrap_or(u32::MAX)).to_le_bytes())
            .collect()
    }

    pub fn from_bytes(bytes: &[u8]) -> Histogram {
        let mut histogram = Histogram::default();
        for (slot, chunk) in histogram.0.iter_mut().zip(bytes.chunks_exact(4)) {
            *slot = u64::from(u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
        }
        histogram
    }
}

/// Adds one outcome to its minute and hour rows.
pub fn add(conn: &Connection, outcome: &Outcome) -> Result<()> {
    if outcome.verdict == ProbeVerdict::CredentialUnavailable {
        // The endpoint was not asked: it neither passed nor failed.
        return Ok(());
    }
    let at_s = outcome.at.as_second();
    let answered = outcome.status.is_some();
    for bucket_s in [MINUTE, HOUR] {
        let start_s = at_s.div_euclid(bucket_s) * bucket_s;
        let existing: Option<Vec<u8>> = conn
            .query_row(
                "SELECT histogram FROM probe_rollups WHERE monitor_id = ?1 AND bucket_s = ?2 AND start_s = ?3",
                params![outcome.monitor_id, bucket_s, start_s],
                |row| row.get(0),
            )
            .optional()?;
        let mut histogram = existing
            .as_deref()
            .map(Histogram::from_bytes)
            .unwrap_or_default();
        if answered {
            histogram.add(outcome.latency_ms);
        }
        let (passed, warned, failed) = match outcome.verdict {
            ProbeVerdict::Pass => (1, 0, 0),
            ProbeVerdict::Warn => (0, 1, 0),
            _ => (0, 0, 1),
        };
        let latency = if answered {
            outcome.latency_ms as i64
        } else {
            0
        };
        conn.prepare_cached(
            "INSERT INTO probe_rollups (monitor_id, bucket_s, start_s, total, passed, warned, failed,
                latency_sum_ms, latency_count, latency_max_ms, histogram)
             VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?7, ?9)
             ON CONFLICT (monitor_id, bucket_s, start_s) DO UPDATE SET
                total = total + 1, passed = passed + ?4, warned = warned + ?5, failed = failed + ?6,
                latency_sum_ms = latency_sum_ms + ?7, latency_count = latency_count + ?8,
                latency_max_ms = max(latency_max_ms, ?7), histogram = ?9",
        )?
        .execute(params![
            outcome.monitor_id,
            bucket_s,
            start_s,
            passed,
            warned,
            failed,
            latency,
            i64::from(answered),
            histogram.to_bytes()
        ])?;
    }
    Ok(())
}

/// Sums of a monitor (or of several) over a span.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub total: u64,
    pub passed: u64,
    pub warned: u64,
    pub failed: u64,
    pub latency_sum_ms: u64,
    pub latency_count: u64,
    pub latency_max_ms: u64,
    pub histogram: Histogram,
}

impl Totals {
    pub fn average_ms(&self) -> Option<f64> {
        (self.latency_count > 0).then(|| self.latency_sum_ms as f64 / self.latency_count as f64)
    }

    pub fn error_rate_percent(&self) -> Option<f64> {
        (self.total > 0).then(|| self.failed as f64 * 100.0 / self.total as f64)
    }

    /// Adds the sums of `other` (another monitor, another span).
    pub fn merge(&mut self, other: &Totals) {
        self.total += other.total;
        self.passed += other.passed;
        self.warned += other.warned;
        self.failed += other.failed;
        self.latency_sum_ms += other.latency_sum_ms;
        self.latency_count += other.latency_count;
        self.latency_max_ms = self.latency_max_ms.max(other.latency_max_ms);
        self.histogram.merge(&other.histogram);
    }

    /// Share of probes that were not failures (warnings count as up).
    pub fn uptime_percent(&self) -> Option<f64> {
        (self.total > 0).then(|| (self.passed + self.warned) as f64 * 100.0 / self.total as f64)
    }
}

/// Sums the rows of `monitors` with `bucket_s` starting in `[from_s, to_s)`.
pub fn totals(
    conn: &Connection,
    monitor_ids: &[String],
    bucket_s: i64,
    from_s: i64,
    to_s: i64,
) -> Result<Totals> {
    let mut totals = Totals::default();
    let mut stmt = conn.prepare_cached(
        "SELECT total, passed, warned, failed, latency_sum_ms, latency_count, latency_max_ms, histogram
         FROM probe_rollups WHERE monitor_id = ?1 AND bucket_s = ?2 AND start_s >= ?3 AND start_s < ?4",
    )?;
    for id in monitor_ids {
        let mut rows = stmt.query(params![id, bucket_s, from_s, to_s])?;
        while let Some(row) = rows.next()? {
            totals.total += row.get::<_, i64>(0)? as u64;
            totals.passed += row.get::<_, i64>(1)? as u64;
            totals.warned += row.get::<_, i64>(2)? as u64;
            totals.failed += row.get::<_, i64>(3)? as u64;
            totals.latency_sum_ms += row.get::<_, i64>(4)? as u64;
            totals.latency_count += row.get::<_, i64>(5)? as u64;
            totals.latency_max_ms = totals.latency_max_ms.max(row.get::<_, i64>(6)? as u64);
            let bytes: Vec<u8> = row.get(7)?;
            totals.histogram.merge(&Histogram::from_bytes(&bytes));
        }
    }
    Ok(totals)
}

/// One point of a response-time chart.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Point {
    /// Unix seconds of the bucket's start.
    pub start_s: i64,
    pub average_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub total: u32,
    pub failed: u32,
}

/// The rows of one monitor over a span, oldest first.
pub fn series(
    conn: &Connection,
    monitor_id: &str,
    bucket_s: i64,
    from_s: i64,
    to_s: i64,
) -> Result<Vec<Point>> {
    let mut stmt = conn.prepare_cached(
        "SELECT start_s, total, failed, latency_sum_ms, latency_count, latency_max_ms
         FROM probe_rollups WHERE monitor_id = ?1 AND bucket_s = ?2 AND start_s >= ?3 AND start_s < ?4
         ORDER BY start_s",
    )?;
    let points = stmt
        .query_map(params![monitor_id, bucket_s, from_s, to_s], |row| {
            let count: i64 = row.get(4)?;
            let sum: i64 = row.get(3)?;
            let max: i64 = row.get(5)?;
            Ok(Point {
                start_s: row.get(0)?,
                total: row.get(1)?,
                failed: row.get(2)?,
                average_ms: (count > 0).then(|| sum as f64 / count as f64),
                max_ms: (count > 0).then_some(max as f64),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_within_buckets() {
        let mut histogram = Histogram::default();
        for latency in 1..=100 {
            histogram.add(latency);
        }
        let p95 = histogram.quantile(0.95).unwrap();
        assert!((75.0..=100.0).contains(&p95), "{p95}");
        let p50 = histogram.quantile(0.5).unwrap();
        assert!((25.0..=75.0).contains(&p50), "{p50}");
        assert_eq!(Histogram::from_bytes(&histogram.to_bytes()), histogram);
        assert_eq!(Histogram::default().quantile(0.95), None);
    }
}
