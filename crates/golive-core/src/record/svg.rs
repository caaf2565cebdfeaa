//! Line charts as inline SVG for the HTML report: no script, no external
//! asset, crisp when printed.

use super::html::escape;
use super::report::{Chart, with_unit};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 190.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;
/// At most this many labels under the x axis.
const X_LABELS: usize = 8;

/// A round step (1, 2 or 5 times a power of ten) giving about `ticks`
/// intervals over `span`.
fn nice_step(span: f64, ticks: f64) -> f64 {
    let raw = span / ticks;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = match raw / magnitude {
        n if n <= 1.0 => 1.0,
        n if n <= 2.0 => 2.0,
        n if n <= 5.0 => 5.0,
        _ => 10.0,
    };
    step * magnitude
}

/// The y range shown and its grid step: the values and the target, out to
/// round numbers; percentages stay within 0–100, other figures start at 0.
fn range(chart: &Chart) -> (f64, f64, f64) {
    let seen = chart.values.iter().flatten().chain(chart.target.iter());
    let (mut lo, mut hi) = seen.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    if lo > hi {
        return (0.0, 1.0, 0.5);
    }
    if chart.unit != "%" {
        lo = 0.0;
    }
    if hi - lo < 1e-9 {
        // A flat line: a small band around it.
        let pad = (hi.abs() * 0.01).max(0.5);
        lo -= pad;
        hi += pad;
    }
    let step = nice_step(hi - lo, 4.0);
    lo = (lo / step).floor() * step;
    hi = (hi / step).ceil() * step;
    if chart.unit == "%" {
        lo = lo.max(0.0);
        hi = hi.min(100.0).max(lo + step);
    } else {
        lo = lo.max(0.0);
    }
    (lo, hi, step)
}

pub fn line_chart(chart: &Chart) -> String {
    let (lo, hi, step) = range(chart);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = chart.values.len().max(1);
    let x = |i: usize| {
        LEFT + plot_w
            * if n == 1 {
                0.5
            } else {
                i as f64 / (n - 1) as f64
            }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - (v - lo) / (hi - lo));
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(&chart.title)
    );
    let lines = ((hi - lo) / step).round() as i64;
    for n in 0..=lines {
        let v = lo + step * n as f64;
        let py = y(v);
        svg.push_str(&format!(
            r#"<line class="grid" x1="{LEFT}" x2="{:.1}" y1="{py:.1}" y2="{py:.1}"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            py + 4.0,
            escape(&with_unit(v, &chart.unit))
        ));
    }
    let every = chart.labels.len().div_ceil(X_LABELS).max(1);
    for (i, label) in chart.labels.iter().enumerate() {
        if i % every == 0 || i + 1 == chart.labels.len() && i % every > every / 2 {
            // The ends are anchored inwards, so their labels are not cut off.
            let anchor = match i {
                0 if n > 1 => "start",
                i if i + 1 == n && n > 1 => "end",
                _ => "middle",
            };
            svg.push_str(&format!(
                r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
                x(i),
                HEIGHT - 8.0,
                escape(label)
            ));
        }
    }
    if let Some(target) = chart.target.filter(|t| (lo..=hi).contains(t)) {
        let py = y(target);
        svg.push_str(&format!(
            r#"<line class="target" x1="{LEFT}" x2="{:.1}" y1="{py:.1}" y2="{py:.1}"/><text class="target-label" x="{:.1}" y="{:.1}">target {}</text>"#,
            WIDTH - RIGHT,
            LEFT + 6.0,
            // Below the line when there is no room above it.
            if py - 5.0 < TOP + 10.0 { py + 14.0 } else { py - 5.0 },
            escape(&with_unit(target, &chart.unit))
        ));
    }
    // One polyline per run of consecutive values: a gap is "no data".
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, svg: &mut String| {
        if run.len() > 1 {
            svg.push_str(&format!(
                r#"<polyline class="line" points="{}"/>"#,
                run.join(" ")
            ));
        }
        run.clear();
    };
    for (i, value) in chart.values.iter().enumerate() {
        match value {
            Some(v) => run.push(format!("{:.1},{:.1}", x(i), y(*v))),
            None => flush(&mut run, &mut svg),
        }
    }
    flush(&mut run, &mut svg);
    if chart.values.len() <= 60 {
        for (i, value) in chart.values.iter().enumerate() {
            if let Some(v) = value {
                let label = chart.labels.get(i).map(String::as_str).unwrap_or("");
                svg.push_str(&format!(
                    r#"<circle class="dot" cx="{:.1}" cy="{:.1}" r="2.5"><title>{}: {}</title></circle>"#,
                    x(i),
                    y(*v),
                    escape(label),
                    escape(&with_unit(*v, &chart.unit))
                ));
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The chart's values in words, for a caption.
pub fn summary(chart: &Chart) -> String {
    let values: Vec<f64> = chart.values.iter().flatten().copied().collect();
    if values.is_empty() {
        return "no data in the window".into();
    }
    let min = values.iter().copied().fold(f64::MAX, f64::min);
    let max = values.iter().copied().fold(f64::MIN, f64::max);
    format!(
        "{} points, lowest {}, highest {}",
        values.len(),
        with_unit(min, &chart.unit),
        with_unit(max, &chart.unit)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: Vec<Option<f64>>, target: Option<f64>) -> Chart {
        Chart {
            title: "Production <main> — uptime".into(),
            unit: "%".into(),
            labels: (0..values.len())
                .map(|i| format!("Dec {:02}", i + 1))
                .collect(),
            values,
            target,
        }
    }

    #[test]
    fn a_gap_splits_the_line_and_the_target_is_drawn() {
        let svg = line_chart(&chart(
            vec![Some(99.9), Some(100.0), None, Some(98.0), Some(99.0)],
            Some(99.9),
        ));
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.contains("target 99.9 %"), "{svg}");
        // Round grid values: 98 to 100 in steps of 0.5.
        assert!(svg.contains(">98 %<") && svg.contains(">100 %<"), "{svg}");
        assert!(
            svg.contains("Production &lt;main&gt;"),
            "title escaped: {svg}"
        );
        assert!(!svg.contains("NaN"), "{svg}");
    }

    #[test]
    fn a_flat_or_empty_chart_still_has_a_range() {
        for values in [vec![Some(100.0); 3], vec![None, None], vec![]] {
            let svg = line_chart(&chart(values, None));
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }
}
