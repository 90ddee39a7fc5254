//! The forms that keep the customer base: a new customer, and on the card the
//! customer's details, contacts, sites, equipment, maintenance plans and
//! reminders. Each sends JSON to the same `/api/v1` routes as every client.

use maud::{html, Markup};
use serde_json::json;

use crate::core::contact::Contact;
use crate::core::customer::Customer;
use crate::core::site::Site;
use crate::web::office::page::{form_error, json_attr, popup};
use crate::web::office::words::Words;

fn choice(name: &str, label: &str, codes: &[&str], current: Option<&str>, w: &Words) -> Markup {
    html! {
        label { (label) select name=(name) {
            @for c in codes { option value=(c) selected[current == Some(*c)] { (w.code(c)) } } } }
    }
}

/// A new customer; the card opens after.
pub fn new_customer(w: &Words) -> Markup {
    popup(
        w.new_customer,
        html! {
            form data-api="/api/v1/customers" data-next="/office/customers/{id}" {
                label { (w.name) input name="name" required; }
                div.row {
                    (choice("kind", w.kind, &["person", "organisation"], Some("person"), w))
                    label { (w.segment) select name="segment" {
                        option value="b2c" { (w.b2c) } option value="b2b" { (w.b2b) } } }
                }
                label { (w.note) textarea name="notes" {} }
                (form_error())
                button.primary type="submit" { (w.create) }
            }
        },
    )
}

/// The customer's own details, and a reminder set by hand.
pub fn customer_tools(c: &Customer, w: &Words) -> Markup {
    let f = &c.fields;
    html! {
        (popup(w.edit, html! {
            form data-api={ "/api/v1/customers/" (c.id) } data-method="PATCH" {
                label { (w.name) input name="name" required value=(f.name); }
                label { (w.legal_name) input name="legal_name" data-empty="null" value=[f.legal_name.as_deref()]; }
                div.row {
                    label { (w.tax_id) input name="tax_id" data-empty="null" value=[f.tax_id.as_deref()]; }
                    label { (w.segment) select name="segment" {
                        option value="b2c" selected[f.segment.as_str() == "b2c"] { (w.b2c) }
                        option value="b2b" selected[f.segment.as_str() == "b2b"] { (w.b2b) } } }
                }
                label { (w.legal_address) input name="legal_address" data-empty="null" value=[f.legal_address.as_deref()]; }
                label { (w.tags) input name="tags" data-type="list" value=(f.tags.join(", ")); }
                label { (w.note) textarea name="notes" data-empty="null" { (f.notes.as_deref().unwrap_or("")) } }
                (form_error())
                button.primary type="submit" { (w.save) }
            }
        }))
        (popup(w.add_reminder, html! {
            form data-api="/api/v1/reminders" data-json=(json_attr(json!({"customer_id": c.id}))) {
                label { (w.due) input type="date" name="due_on" required; }
                label { (w.note) input name="note" required; }
                (form_error())
                button.primary type="submit" { (w.add_reminder) }
            }
        }))
    }
}

/// The fields of a contact, filled with one when editing.
fn contact_fields(p: Option<&Contact>, sites: &[Site], w: &Words) -> Markup {
    let f = p.map(|p| &p.fields);
    html! {
        label { (w.name) input name="name" required value=[f.map(|f| f.name.as_str())]; }
        label { (w.phones) input name="phones" data-type="list" inputmode="tel" value=[f.map(|f| f.phones.join(", "))]; }
        label { (w.email) input type="email" name="email" data-empty=[p.map(|_| "null")] value=[f.and_then(|f| f.email.as_deref())]; }
        div.row {
            @let role = f.and_then(|f| f.role).map(|r| r.as_str());
            label { (w.role) select name="role" data-empty=[p.map(|_| "null")] {
                option value="" { "—" }
                @for c in ["on_site", "payer", "decision_maker", "accountant", "other"] {
                    option value=(c) selected[role == Some(c)] { (w.code(c)) } } } }
            @if p.is_none() && !sites.is_empty() {
                label { (w.site) select name="site_id" {
                    option value="" { "—" }
                    @for s in sites { option value=(s.id) { (s.fields.address_line1) } } } }
            }
        }
        label { (w.availability) input name="availability" data-empty=[p.map(|_| "null")]
                value=[f.and_then(|f| f.availability.as_deref())]; }
    }
}

/// Adding a contact.
pub fn add_contact(customer_id: &str, sites: &[Site], w: &Words) -> Markup {
    popup(
        w.add_contact,
        html! {
            form data-api="/api/v1/contacts" data-json=(json_attr(json!({"customer_id": customer_id}))) {
                (contact_fields(None, sites, w))
                (form_error())
                button.primary type="submit" { (w.add_contact) }
            }
        },
    )
}

/// Changing a contact: phones, availability, role.
pub fn edit_contact(p: &Contact, w: &Words) -> Markup {
    popup(
        w.edit,
        html! {
            form data-api={ "/api/v1/contacts/" (p.id) } data-method="PATCH" {
                (contact_fields(Some(p), &[], w))
                (form_error())
                button.primary type="submit" { (w.save) }
            }
        },
    )
}

/// Adding a site.
pub fn add_site(customer_id: &str, w: &Words) -> Markup {
    popup(
        w.add_site,
        html! {
            form data-api="/api/v1/sites" data-json=(json_attr(json!({"customer_id": customer_id}))) {
                label { (w.site_label) input name="label"; }
                label { (w.address) input name="address_line1" required; }
                div.row {
                    label { (w.city) input name="city" required; }
                    label { (w.postal_code) input name="postal_code"; }
                }
                div.row {
                    label { (w.latitude) input name="latitude" data-type="number" inputmode="decimal"; }
                    label { (w.longitude) input name="longitude" data-type="number" inputmode="decimal"; }
                }
                label { (w.access_notes) input name="access_notes"; }
                (form_error())
                button.primary type="submit" { (w.add_site) }
            }
        },
    )
}

/// Adding equipment at a site.
pub fn add_equipment(site_id: &str, w: &Words) -> Markup {
    popup(
        w.add_equipment,
        html! {
            form data-api="/api/v1/equipment" data-json=(json_attr(json!({"site_id": site_id}))) {
                label { (w.kind) input name="kind" required; }
                div.row {
                    label { (w.model) input name="model"; }
                    label { (w.serial) input name="serial_number"; }
                }
                label { (w.installed_on) input type="date" name="installed_on"; }
                (form_error())
                button.primary type="submit" { (w.add_equipment) }
            }
        },
    )
}

/// Prints one piece's QR sticker, and withdraws it (lost, or in the wrong
/// hands): the printed code then shows only the company's phone; the next
/// print has a new one.
pub fn sticker_actions(equipment_id: &str, w: &Words) -> Markup {
    html! {
        a href={ "/api/v1/equipment/" (equipment_id) "/sticker" } download="sticker.pdf" { (w.print_sticker) } " "

        form.inline data-api={ "/api/v1/equipment/" (equipment_id) "/sticker" } data-method="DELETE"
            data-skip-body="" data-confirm=(w.withdraw_sticker_confirm) {
            button.link type="submit" { (w.withdraw_sticker) }
        }
    }
}

/// A maintenance plan for a piece of equipment: every N days, weeks or months
/// after the last service, with the scope each service has.
pub fn add_plan(equipment_id: &str, w: &Words) -> Markup {
    popup(
        w.add_plan,
        html! {
            form data-api={ "/api/v1/equipment/" (equipment_id) "/plans" }
                data-json=(json_attr(json!({"recurrence": "after_completion"}))) {
                label { (w.service_kind) input name="service_kind" required; }
                div.row {
                    label { (w.every) input name="every" data-type="int" inputmode="numeric" required value="6"; }
                    (choice("unit", w.unit, &["months", "weeks", "days"], Some("months"), w))
                    label { (w.lead_days) input name="lead_days" data-type="int" inputmode="numeric" value="14"; }
                }
                div.row {
                    label { (w.description) input name="scope_lines[0].description"; }
                    input type="hidden" name="scope_lines[0].quantity" value="1" data-type="number";
                    label { (w.unit_price) input name="scope_lines[0].unit_price" data-type="money" inputmode="decimal"; }
                }
                label { (w.estimated_minutes) input name="estimated_minutes" data-type="int" inputmode="numeric"; }
                (form_error())
                button.primary type="submit" { (w.add_plan) }
            }
        },
    )
}
