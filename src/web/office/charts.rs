//! Charts drawn on the server as SVG: no script, no outside library, and they
//! print. Each has a title for screen readers and its numbers in `<title>`
//! tooltips; the same numbers are in the tables and CSV exports beside them.

use maud::{html, Markup};

/// The colours of series, in order (readable for the common colour blindness).
pub const COLOURS: [&str; 4] = ["#0a7d4f", "#3b6fb6", "#d08c00", "#a33b6b"];

/// Vertical bars, stacked by series: one bar per label.
pub fn stacked_bars(
    title: &str,
    labels: &[String],
    series: &[(&str, Vec<f64>)],
    format: &dyn Fn(f64) -> String,
) -> Markup {
    let (width, height, left, bottom) = (640.0, 220.0, 96.0, 30.0);
    let totals: Vec<f64> = (0..labels.len())
        .map(|i| {
            series
                .iter()
                .map(|(_, v)| v.get(i).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let max = totals.iter().copied().fold(0.0, f64::max).max(1.0);
    let slot = (width - left) / labels.len().max(1) as f64;
    let bar = (slot * 0.7).min(48.0);
    let scale = (height - bottom - 10.0) / max;
    // (x, top, height, colour, tooltip) of each non-empty part.
    let mut parts = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = height - bottom;
        for (k, (name, values)) in series.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0.0);
            let h = v * scale;
            y -= h;
            if h > 0.0 {
                let tip = format!("{label} · {name}: {}", format(v));
                parts.push((x, y, h, COLOURS[k % COLOURS.len()], tip));
            }
        }
    }
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (width) " " (height) } role="img" aria-label=(title) {
                title { (title) }
                line x1=(left) y1=(height - bottom) x2=(width) y2=(height - bottom) stroke="#999" {}
                text x=(left - 6.0) y=(height - bottom) text-anchor="end" font-size="11" { "0" }
                text x=(left - 6.0) y="16" text-anchor="end" font-size="11" { (format(max)) }
                @for (x, y, h, colour, tip) in &parts {
                    rect x=(fmt(*x)) y=(fmt(*y)) width=(fmt(bar)) height=(fmt(*h)) fill=(colour) {
                        title { (tip) }
                    }
                }
                @for (i, label) in labels.iter().enumerate() {
                    text x=(fmt(left + slot * i as f64 + slot / 2.0)) y=(height - bottom + 16.0) text-anchor="middle" font-size="11" { (label) }
                }
            }
            @if series.len() > 1 { (legend(series.iter().map(|(n, _)| *n))) }
        }
    }
}

/// Horizontal bars with a note at the end of each: a funnel, a ranking.
pub fn bars(title: &str, rows: &[(String, f64, String)]) -> Markup {
    let (width, row) = (640.0, 30.0);
    let left = 170.0;
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1.0);
    let height = row * rows.len().max(1) as f64 + 6.0;
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (width) " " (fmt(height)) } role="img" aria-label=(title) {
                title { (title) }
                @for (i, (label, value, note)) in rows.iter().enumerate() {
                    @let y = row * i as f64 + 4.0;
                    @let w = (width - left - 170.0) * value / max;
                    text x=(left - 8.0) y=(fmt(y + 17.0)) text-anchor="end" font-size="12" { (label) }
                    rect x=(left) y=(fmt(y)) width=(fmt(w.max(1.0))) height="22" fill=(COLOURS[0]) {
                        title { (label) ": " (note) }
                    }
                    text x=(fmt(left + w + 8.0)) y=(fmt(y + 17.0)) font-size="12" { (note) }
                }
            }
        }
    }
}

/// A grid of cells shaded by value: weekday × hour, cohort × month, R × F.
pub fn heatmap(
    title: &str,
    rows: &[String],
    columns: &[String],
    values: &[Vec<Option<f64>>],
    format: &dyn Fn(f64) -> String,
) -> Markup {
    let (cell_w, cell_h, left, top) = (24.0, 20.0, 70.0, 20.0);
    let width = left + cell_w * columns.len().max(1) as f64 + 4.0;
    let height = top + cell_h * rows.len().max(1) as f64 + 4.0;
    let max = values
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (fmt(width)) " " (fmt(height)) } role="img" aria-label=(title) {
                title { (title) }
                @for (j, c) in columns.iter().enumerate() {
                    text x=(fmt(left + cell_w * j as f64 + cell_w / 2.0)) y="14" text-anchor="middle" font-size="10" { (c) }
                }
                @for (i, r) in rows.iter().enumerate() {
                    @let y = top + cell_h * i as f64;
                    text x=(left - 6.0) y=(fmt(y + 14.0)) text-anchor="end" font-size="11" { (r) }
                    @for (j, v) in values.get(i).map(|v| v.as_slice()).unwrap_or(&[]).iter().enumerate() {
                        @if let Some(v) = v {
                            rect x=(fmt(left + cell_w * j as f64)) y=(fmt(y)) width=(cell_w - 2.0) height=(cell_h - 2.0)
                                fill=(COLOURS[0]) fill-opacity=(fmt(0.08 + 0.92 * v / max)) {
                                title { (r) " · " (columns.get(j).map(String::as_str).unwrap_or("")) ": " (format(*v)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn legend<'a>(names: impl Iterator<Item = &'a str>) -> Markup {
    html! {
        figcaption.legend {
            @for (k, n) in names.enumerate() {
                span { svg width="10" height="10" aria-hidden="true" { rect width="10" height="10" fill=(COLOURS[k % COLOURS.len()]) {} } " " (n) }
            }
        }
    }
}

/// A coordinate with one decimal: short SVG.
fn fmt(v: f64) -> String {
    format!("{:.1}", v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_drawn_to_scale_with_their_numbers() {
        let svg = stacked_bars(
            "Revenue",
            &["2026-01".into(), "2026-02".into()],
            &[
                ("service", vec![100.0, 50.0]),
                ("installation", vec![100.0, 0.0]),
            ],
            &|v| format!("{v:.0}"),
        )
        .into_string();
        // The tallest bar (200) fills the plot: 220 − 30 − 10 = 180 px, two halves of 90.
        assert!(svg.contains("height=\"90.0\""), "{svg}");
        assert!(svg.contains("<title>2026-02 · service: 50</title>"));
        assert!(
            !svg.contains("2026-02 · installation"),
            "empty parts are left out"
        );
        let h = heatmap(
            "h",
            &["Mon".into()],
            &["0".into(), "1".into()],
            &[vec![Some(2.0), None]],
            &|v| v.to_string(),
        )
        .into_string();
        assert_eq!(h.matches("<rect").count(), 1);
        assert!(h.contains("fill-opacity=\"1.0\""));
    }
}
