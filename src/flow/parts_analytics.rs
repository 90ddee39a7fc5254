//! Parts consumption and margin (price less cost) per part, per engineer and
//! per local month, from the parts used at finished visits: three sums in
//! SQL over the period, in the company's currency only (a row in another
//! currency is never added in).

use serde::Serialize;
use utoipa::ToSchema;

use super::analytics::{rows, Context, PeriodView, Tables};
use crate::core::ids::{PartId, TypedId, UserId};
use crate::core::stock::Quantity;
use crate::error::AppError;
use crate::store::parts_used::{sums, By, Sum};
use crate::store::DbConnection;

/// What a part, an engineer or a month adds up to, in minor units.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartFigures {
    /// The part's id, the engineer's id, or the month (`YYYY-MM`).
    pub key: String,
    /// The part's SKU and name, or the engineer's name; the month again.
    pub label: String,
    /// For a part: how many were used, in its unit. Absent for an engineer or
    /// a month, whose parts are counted in different units.
    pub quantity: Option<Quantity>,
    pub unit: Option<String>,
    pub revenue: i64,
    pub cost: i64,
    /// Revenue less cost.
    pub margin: i64,
}

/// The parts report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartsReport {
    pub period: PeriodView,
    pub currency: String,
    pub revenue: i64,
    pub cost: i64,
    pub margin: i64,
    /// By revenue, highest first.
    pub parts: Vec<PartFigures>,
    pub engineers: Vec<PartFigures>,
    /// In order; months without a part used are left out.
    pub months: Vec<PartFigures>,
}

fn figures(
    sum: &Sum,
    label: String,
    quantity: Option<Quantity>,
    unit: Option<String>,
) -> PartFigures {
    PartFigures {
        key: sum.key.clone(),
        label,
        quantity,
        unit,
        revenue: sum.revenue,
        cost: sum.cost,
        margin: sum.revenue - sum.cost,
    }
}

/// Parts used in the period, by part, engineer and month.
pub fn parts_report(
    conn: &mut DbConnection,
    cx: &Context,
    currency: &str,
) -> Result<PartsReport, AppError> {
    let (from, to) = (cx.period.start, cx.period.end);
    let by_part = sums(conn, By::Part, from, to, currency)?;
    let ids: Vec<PartId> = by_part
        .iter()
        .filter_map(|s| PartId::parse(&s.key))
        .collect();
    let catalogue = crate::store::parts::of_ids(conn, &ids)?;
    let mut parts: Vec<PartFigures> = by_part
        .iter()
        .map(|s| {
            let part = catalogue.iter().find(|p| p.id.as_str() == s.key);
            figures(
                s,
                part.map_or_else(|| s.key.clone(), |p| format!("{} {}", p.sku, p.name)),
                Some(Quantity::from_milli(s.quantity)),
                part.map(|p| p.unit.clone()),
            )
        })
        .collect();
    parts.sort_by(|a, b| b.revenue.cmp(&a.revenue).then(a.label.cmp(&b.label)));
    let mut engineers = vec![];
    for s in sums(conn, By::Engineer, from, to, currency)? {
        let name = match UserId::parse(&s.key) {
            Some(id) => crate::store::users::find(conn, &id)?.map(|u| u.name),
            None => None,
        };
        engineers.push(figures(
            &s,
            name.unwrap_or_else(|| s.key.clone()),
            None,
            None,
        ));
    }
    engineers.sort_by(|a, b| b.revenue.cmp(&a.revenue).then(a.label.cmp(&b.label)));
    let months: Vec<PartFigures> = sums(conn, By::Month, from, to, currency)?
        .iter()
        .map(|s| figures(s, s.key.clone(), None, None))
        .collect();
    let revenue = months.iter().map(|m| m.revenue).sum::<i64>();
    let cost = months.iter().map(|m| m.cost).sum::<i64>();
    Ok(PartsReport {
        period: (&cx.period).into(),
        currency: currency.to_owned(),
        revenue,
        cost,
        margin: revenue - cost,
        parts,
        engineers,
        months,
    })
}

impl Tables for PartsReport {
    fn tables(&self) -> Vec<(&'static str, Vec<serde_json::Value>)> {
        vec![
            ("parts", rows(&self.parts)),
            ("engineers", rows(&self.engineers)),
            ("months", rows(&self.months)),
        ]
    }
}
