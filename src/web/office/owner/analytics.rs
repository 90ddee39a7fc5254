//! The analytics dashboard (owner and managers): customer dynamics, revenue,
//! lifetime value, the funnel, satisfaction, activity and field quality for any
//! period and filter, with charts drawn on the server and a CSV link for every
//! table; below, the saved segments with their counts and mass messages.

use actix_web::{get, web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use crate::api::auth::caller::Managers;
use crate::api::extract::with_param;
use crate::api::state::AppState;
use crate::flow::analytics::{dashboard, with, AnalyticsQuery, Context, Dashboard};
use crate::flow::segments::{self, CampaignView, SegmentView};
use crate::web::office::charts::{bars, heatmap, stacked_bars};
use crate::web::office::page::{
    code_select, filters, form_error, frame, json_attr, money, Page, PageError,
};
use crate::web::office::words::Words;

fn percent(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.1} %", v * 100.0))
}

fn number(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.2}"))
}

fn tile(label: &str, value: String) -> Markup {
    html! { div.tile { span.small.muted { (label) } strong { (value) } } }
}

/// The CSV link of one table of one report, with the page's filters.
fn export(query: &str, report: &str, table: &str, w: &Words) -> Markup {
    let q = with_param(
        &with_param(query, "format", Some("csv")),
        "table",
        Some(table),
    );
    html! { a.small href={ "/api/v1/analytics/" (report) "?" (q) } { (w.an_export) " " (table) } }
}

fn section(title: &str, exports: Markup, body: Markup) -> Markup {
    html! { section.report { h2 { (title) } (body) p.exports { (exports) } } }
}

/// The dashboard's reports.
fn reports(d: &Dashboard, query: &str, currency: &str, w: &Words) -> Markup {
    let cash = |v: f64| money(v.round() as i64, currency);
    let dy = &d.customers.dynamics;
    let all = d.value.segments.iter().find(|s| s.segment == "all");
    let model = d.value.model;
    // A model with no lifetime to use shows a dash, and the page says why.
    let maybe = |v: Option<f64>| v.map_or("—".into(), cash);
    let unknown = d.value.assumptions.lifetime_unknown.as_deref();
    let q = &d.quality;
    let months: Vec<String> = d.revenue.months.iter().map(|m| m.month.clone()).collect();
    let of = |f: fn(&crate::flow::analytics::RevenueMonth) -> i64| {
        d.revenue
            .months
            .iter()
            .map(|m| f(m) as f64)
            .collect::<Vec<f64>>()
    };
    let funnel: Vec<(String, f64, String)> = d
        .funnel
        .steps
        .iter()
        .map(|s| {
            let days = s
                .median_hours
                .map(|h| format!(" · {:.1} {}", h / 24.0, w.an_median_days))
                .unwrap_or_default();
            (
                w.code(&s.step),
                s.count as f64,
                format!("{} · {}{}", s.count, percent(s.overall), days),
            )
        })
        .collect();
    let hours: Vec<String> = (0..24).map(|h| h.to_string()).collect();
    let weekdays: Vec<String> = w.weekdays.iter().map(|d| d.to_string()).collect();
    let mut grid = vec![vec![None; 24]; 7];
    for c in &d.activity.by_weekday_hour {
        if let Some(row) = grid.get_mut(c.weekday as usize - 1) {
            row[c.hour as usize] = Some(c.orders as f64);
        }
    }
    let cohort_rows: Vec<String> = d
        .customers
        .cohorts
        .iter()
        .map(|c| format!("{} ({})", c.month, c.customers))
        .collect();
    let width = d
        .customers
        .cohorts
        .iter()
        .map(|c| c.retained.len())
        .max()
        .unwrap_or(0);
    let cohort_cols: Vec<String> = (0..width).map(|k| k.to_string()).collect();
    let cohort_values: Vec<Vec<Option<f64>>> = d
        .customers
        .cohorts
        .iter()
        .map(|c| c.retained.iter().map(|v| Some(*v)).collect())
        .collect();
    let mut rfm = vec![vec![None; 5]; 5];
    for cell in &d.rfm.grid {
        rfm[(5 - cell.r) as usize][(cell.f - 1) as usize] = Some(cell.customers as f64);
    }
    let rf_rows: Vec<String> = (1..=5).rev().map(|r| format!("R{r}")).collect();
    let rf_cols: Vec<String> = (1..=5).map(|f| format!("F{f}")).collect();
    html! {
        div.tiles {
            (tile(w.an_active, dy.active.to_string()))
            (tile(w.an_new, dy.new.to_string()))
            (tile(w.an_at_risk, dy.at_risk.to_string()))
            (tile(w.an_churned, dy.churned.to_string()))
            (tile(w.an_won_back, dy.won_back.to_string()))
            (tile(w.an_churn_rate, percent(dy.churn_rate)))
            (tile(w.an_revenue, money(d.revenue.total, currency)))
            (tile(w.an_aov, d.revenue.average_order_value.map_or("—".into(), cash)))
            (tile(w.an_frequency, number(d.revenue.purchase_frequency)))
            (tile(w.an_ltv, all.map(|s| maybe(s.by(model))).unwrap_or_default()))
            (tile(w.an_csat, d.satisfaction.csat.csat.map_or("—".into(), |v| format!("{v:.0} %"))))
            (tile(w.an_nps, d.satisfaction.nps.nps.map_or("—".into(), |v| format!("{v:.0}"))))
            (tile(w.an_on_time, percent(q.team.on_time_rate)))
            (tile(w.an_ftf, percent(q.first_time_fix.rate)))
            (tile(w.an_no_access, percent(q.team.no_access_rate)))
            (tile(w.an_utilisation, percent(q.team.utilisation)))
            (tile(w.an_visits_day, number(q.team.visits_per_day)))
        }
        (section(w.an_revenue_by_month,
            html! { (export(query, "revenue", "months", w)) " " (export(query, "revenue", "summary", w)) },
            stacked_bars(w.an_revenue_by_month, &months,
                &[("service", of(|m| m.service)), ("installation", of(|m| m.installation)), ("repair", of(|m| m.repair))],
                &cash)))
        (section(w.an_funnel, export(query, "funnel", "steps", w), bars(w.an_funnel, &funnel)))
        (section(w.an_customers,
            html! { (export(query, "customers", "dynamics", w)) " " (export(query, "customers", "cohorts", w)) },
            heatmap(w.an_cohorts, &cohort_rows, &cohort_cols, &cohort_values, &|v| format!("{:.0} %", v * 100.0))))
        (section(w.an_value_by_segment,
            html! { (export(query, "lifetime-value", "segments", w)) " " (export(query, "lifetime-value", "customers", w)) " " (export(query, "lifetime-value", "retention", w)) " " (export(query, "lifetime-value", "assumptions", w)) },
            html! {
                p.small.muted { (w.an_model_in_use) ": " (w.code(model.as_str())) "; "
                    @if let Some(trends) = &d.value.assumptions.yearly_trend {
                        (w.an_yearly_trend) ": "
                        @for (segment, trend) in trends { (w.code(segment)) " ×" (number(Some(*trend))) " " }
                    } @else { (w.an_path_in_report) } }
                @if let Some(why) = unknown { p.small.warning { "— " (why) } }
                table {
                    thead { tr { th { "" } th { (w.an_customers) } @for m in crate::core::analytics::LtvModel::ALL { th { (w.code(m.as_str())) } } } }
                    tbody { @for s in &d.value.segments { tr {
                        td { (w.code(&s.segment)) } td { (s.customers) }
                        @for m in crate::core::analytics::LtvModel::ALL { td { (maybe(s.by(*m))) } }
                    } } }
                }
                p.small { (w.an_by_retention) ": "
                    @for r in &d.value.retention { (w.code(&r.group)) " " (maybe(r.value)) "; " } }
                h3 { (w.an_top) }
                table { tbody { @for t in d.value.top.iter().take(10) { tr {
                    td { a href={ "/office/customers/" (t.value.customer_id) } { (t.name) } }
                    td { (t.value.orders) } td { (maybe(t.value.by(model))) }
                } } } }
            }))
        (section(w.an_rfm,
            html! { (export(query, "rfm", "classes", w)) " " (export(query, "rfm", "cube", w)) " " (export(query, "rfm", "customers", w)) },
            html! {
                (heatmap(w.an_rfm, &rf_rows, &rf_cols, &rfm, &|v| format!("{v:.0}")))
                ul.inline { @for c in &d.rfm.classes { li { (w.code(c.class.as_str())) ": " (c.customers) } } }
            }))
        (section(w.an_activity,
            html! { @for t in ["by_weekday_hour", "by_city", "by_manager", "by_engineer"] { (export(query, "activity", t, w)) " " } },
            html! {
                (heatmap(w.an_activity, &weekdays, &hours, &grid, &|v| format!("{v:.0}")))
                div.columns {
                    @for (title, rows) in [(w.an_by_city, &d.activity.by_city), (w.an_by_manager, &d.activity.by_manager), (w.an_by_engineer, &d.activity.by_engineer)] {
                        div { h3 { (title) } table { tbody { @for r in rows.iter().take(10) { tr { td { (r.label) } td { (r.completed) } td { (money(r.revenue, currency)) } } } } } }
                    }
                }
            }))
        (section(w.an_team,
            html! { (export(query, "field-quality", "engineers", w)) " " (export(query, "satisfaction", "by_engineer", w)) " " (export(query, "satisfaction", "by_month", w)) },
            html! {
                table {
                    thead { tr { th { "" } th { (w.an_orders) } th { (w.an_on_time) } th { (w.an_no_access) } th { (w.an_utilisation) } th { (w.an_visits_day) } th { (w.an_csat) } } }
                    tbody { @for e in &q.engineers { tr {
                        td { (e.name) } td { (e.quality.visits) } td { (percent(e.quality.on_time_rate)) } td { (percent(e.quality.no_access_rate)) }
                        td { (percent(e.quality.utilisation)) } td { (number(e.quality.visits_per_day)) }
                        td { (d.satisfaction.by_engineer.iter().find(|g| g.key == e.engineer_id).and_then(|g| g.csat.csat).map_or("—".into(), |v| format!("{v:.0} %"))) }
                    } } }
                }
            }))
    }
}

fn segment_forms(segments: &[(SegmentView, Vec<CampaignView>)], w: &Words) -> Markup {
    html! {
        section.report #segments {
            h2 { (w.an_segments) }
            form data-api="/api/v1/segments" {
                div.row {
                    label { (w.an_segment_name) input name="name" required; }
                    (code_select("rule.segment", w.segment, &["b2c", "b2b"], None, w))
                    label { (w.an_city) input name="rule.city"; }
                    label { (w.an_equipment_kind) input name="rule.equipment_kind"; }
                    label { (w.an_model) input name="rule.equipment_model"; }
                    label { (w.an_last_service_over) input name="rule.last_service_over_months" type="number" min="1" max="600" data-type="int"; }
                    label { input type="checkbox" name="rule.maintenance_overdue" value="true" data-type="json"; " " (w.an_overdue) }
                }
                (form_error())
                button type="submit" { (w.an_new_segment) }
            }
            @for (s, sent) in segments {
                article.segment {
                    h3 { (s.name) " · " (s.customers) " " (w.an_customers) }
                    p.small { a href={ "/office/analytics?segment_id=" (s.id) } { (w.menu_analytics) } }
                    form data-api={ "/api/v1/segments/" (s.id) "/messages" } {
                        div.row {
                            (code_select("channel", w.an_channel, &["sms", "email"], Some("sms"), w))
                            label { (w.an_subject) input name="subject"; }
                        }
                        label { (w.an_message) textarea name="body" required maxlength="1000" {} }
                        (form_error())
                        button type="submit" data-json=(json_attr(serde_json::json!({"dry_run": true})))
                            data-result={ "#reach-" (s.id) } data-ok=(w.an_reachable) { (w.an_count_recipients) }
                        " "
                        button type="submit" { (w.an_send) }
                        p.form-ok #{ "reach-" (s.id) } aria-live="polite" {}
                    }
                    @if !sent.is_empty() {
                        table { tbody { @for c in sent { tr {
                            td.small { (c.created_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()) }
                            td { (w.code(c.channel.as_str())) } td { (c.body.chars().take(60).collect::<String>()) }
                            td.small { @for (status, n) in &c.delivery { (w.code(status)) ": " (n) " " } }
                        } } } }
                    }
                }
            }
        }
    }
}

#[get("/office/analytics")]
pub async fn dashboard_page(
    page: Page<Managers>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let query: AnalyticsQuery = filters(&req)?;
    let config = state.config();
    let pool = state.database.pool.clone();
    let q = query.clone();
    let (d, cx, segs) = web::block(move || -> Result<_, crate::error::AppError> {
        let cx = with(&pool, |c| Context::resolve(c, &q, &config))?;
        let d = dashboard(&pool, &cx, &config.currency)?;
        let segs = with(&pool, |c| {
            segments::list(c)?
                .into_iter()
                .map(|s| {
                    let sent = segments::campaigns(c, &s.id)?.into_iter().take(3).collect();
                    Ok((s, sent))
                })
                .collect::<Result<Vec<_>, crate::error::AppError>>()
        })?;
        Ok((d, cx, segs))
    })
    .await
    .map_err(crate::error::AppError::internal)??;
    let w = page.w;
    // The CSV links carry the page's filters, without the ones left blank.
    let query_string = crate::api::extract::without_blanks(req.query_string());
    let currency = state.config().currency.clone();
    let body = html! {
        form.filters method="get" action="/office/analytics" {
            label { (w.an_from) input type="date" name="from" value=(cx.period.from); }
            label { (w.an_to) input type="date" name="to" value=(cx.period.to); }
            (code_select("segment", w.segment, &["b2c", "b2b"], query.segment.map(|s| s.as_str()), w))
            label { (w.an_city) input name="city" value=[query.city.as_deref()]; }
            label { (w.an_equipment_kind) input name="equipment_kind" value=[query.equipment_kind.as_deref()]; }
            label { (w.an_saved_segment) select name="segment_id" {
                option value="" { (w.all) }
                @for (s, _) in &segs { option value=(s.id) selected[query.segment_id.as_deref() == Some(s.id.as_str())] { (s.name) } }
            } }
            button type="submit" { (w.filter) }
        }
        (reports(&d, &query_string, &currency, w))
        (segment_forms(&segs, w))
    };
    Ok(frame(&page, w.menu_analytics, body))
}
