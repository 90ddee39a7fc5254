//! The demo company: a Kyiv water-treatment and climate service firm with
//! staff for every role and about two hundred customers. Loaded once.

mod meters;
mod stock;
mod work;

use crate::core::ids::{CustomerId, UserId};
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::core::contact::{Channel, ContactFields, ContactRole};
use crate::core::customer::{CustomerFields, CustomerKind, Segment};
use crate::core::equipment::{EquipmentFields, EquipmentStatus};
use crate::core::role::Role;
use crate::core::site::SiteFields;
use crate::core::Fields;
use crate::error::AppError;
use crate::runtime::Runtime;
use crate::store::contacts::Contacts;
use crate::store::customers::Customers;
use crate::store::equipment::EquipmentRepo;
use crate::store::records::{self, Repo};
use crate::store::sites::Sites;
use crate::store::{transaction, users, DbConnection};

/// The password of every demo account (written in the README).
pub const DEMO_PASSWORD: &str = "demo-password";
/// How many customers the demo company has.
pub const DEMO_CUSTOMERS: usize = 200;

const STAFF: &[(&str, &str, &[Role])] = &[
    ("owner@demo.orderly", "Oksana Melnyk", &[Role::Owner]),
    (
        "manager@demo.orderly",
        "Andrii Bondarenko",
        &[Role::Manager],
    ),
    ("manager2@demo.orderly", "Emily Carter", &[Role::Manager]),
    (
        "admin@demo.orderly",
        "Iryna Shevchenko",
        &[Role::Administrator],
    ),
    (
        "admin2@demo.orderly",
        "Taras Lysenko",
        &[Role::Administrator],
    ),
    (
        "engineer1@demo.orderly",
        "Mykola Tkachenko",
        &[Role::Engineer],
    ),
    (
        "engineer2@demo.orderly",
        "Serhii Kravchenko",
        &[Role::Engineer],
    ),
    (
        "engineer3@demo.orderly",
        "Dmytro Oliinyk",
        &[Role::Engineer],
    ),
    ("engineer4@demo.orderly", "James Walker", &[Role::Engineer]),
    (
        "engineer5@demo.orderly",
        "Volodymyr Polishchuk",
        &[Role::Engineer],
    ),
];

const FIRST: &[&str] = &[
    "Олена",
    "Іван",
    "Наталія",
    "Петро",
    "Марія",
    "Олександр",
    "Тетяна",
    "Юрій",
    "Світлана",
    "Василь",
    "Ганна",
    "Богдан",
    "Оксана",
    "Михайло",
    "Людмила",
    "Sarah",
    "David",
    "Anna",
    "Michael",
    "Laura",
    "Thomas",
    "Sophie",
];
const LAST: &[&str] = &[
    "Коваленко",
    "Бондар",
    "Ткаченко",
    "Шевченко",
    "Кравчук",
    "Мельник",
    "Олійник",
    "Гончаренко",
    "Савченко",
    "Руденко",
    "Петренко",
    "Марченко",
    "Smith",
    "Brown",
    "Wilson",
    "Taylor",
    "Miller",
];
const ORGS: &[&str] = &[
    "Кав'ярня «Зерно»",
    "Aqua Cafe",
    "ТОВ «Київ-Дент»",
    "Hotel Dnipro View",
    "Ресторан «Варенична»",
    "Fitness Club Pulse",
    "ТОВ «Зелена аптека»",
    "Bright Minds Kindergarten",
    "Пекарня «Хлібна хата»",
    "Office Park Podil",
    "Салон краси «Вероніка»",
    "Green Leaf Dental",
];
const STREETS: &[&str] = &[
    "вул. Хрещатик",
    "вул. Велика Васильківська",
    "просп. Перемоги",
    "вул. Саксаганського",
    "вул. Антоновича",
    "просп. Бажана",
    "вул. Драгоманова",
    "вул. Січових Стрільців",
    "Kontraktova Sq.",
    "вул. Ярославів Вал",
    "просп. Оболонський",
    "вул. Лук'янівська",
    "Velyka Zhytomyrska St.",
];
const ACCESS: &[&str] = &[
    "Код домофону 25К, 4 поверх, ліфт працює",
    "Gate code 1942; ring twice, the bell is quiet",
    "Ключ у сусідки з кв. 12",
    "Park in the courtyard; a dog in the yard is friendly",
    "Service entrance from the back street",
];
const AVAILABILITY: &[&str] = &[
    "вдома у будні після 14:00",
    "weekdays 9:00-18:00",
    "only Saturdays",
    "будь-коли, попередити за годину",
];
/// The kind of equipment whose cartridges are changed by the litre.
const FILTER: &str = "reverse osmosis filter";
const EQUIPMENT: &[(&str, &[&str])] = &[
    (
        FILTER,
        &["Ecosoft RObust 1000", "Aquaphor Morion", "Atoll A-550"],
    ),
    ("water softener", &["Ecosoft FU 1035", "Organic K-12"]),
    (
        "gas boiler",
        &["Vaillant ecoTEC plus", "Bosch Condens 7000"],
    ),
    ("air conditioner", &["Daikin FTXM35", "Mitsubishi MSZ-LN25"]),
    ("heat pump", &["Viessmann Vitocal 200-S"]),
];

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

fn phone(rng: &mut StdRng) -> String {
    let operator = pick(rng, &["67", "50", "63", "97", "93"]);
    format!("+380{operator}{:07}", rng.gen_range(1_000_000..9_999_999))
}

/// Loads the demo company unless its owner already exists; returns whether it loaded.
///
/// `scale` multiplies the customer base (benchmarks run on ten times the demo).
pub fn load(conn: &mut DbConnection, runtime: &Runtime, scale: usize) -> Result<bool, AppError> {
    if users::find_by_email(conn, STAFF[0].0)?.is_some() {
        tracing::info!("demo company already loaded");
        return Ok(false);
    }
    let ctx = runtime.input_context();
    let hash = runtime.passwords.hash(DEMO_PASSWORD)?;
    let mut rng = StdRng::seed_from_u64(20261123);
    transaction(conn, |conn| {
        let mut staff = Staff::default();
        let mut owner = UserId::new();
        for (email, name, roles) in STAFF {
            let user = users::insert(conn, &UserId::new(), email, name, &hash, roles)?;
            match roles[0] {
                Role::Manager => staff.managers.push(user.id.clone()),
                Role::Administrator => staff.administrators.push(user.id.clone()),
                Role::Engineer => {
                    demo_profile(conn, &user.id, staff.engineers.len())?;
                    staff.engineers.push(user.id.clone())
                }
                Role::Owner => owner = user.id.clone(),
            }
        }
        demo_settings(conn, runtime, &owner)?;
        let mut customers = Vec::new();
        for i in 0..DEMO_CUSTOMERS * scale.max(1) {
            let actor = staff.managers[i % staff.managers.len()].clone();
            customers.push(demo_customer(conn, &mut rng, &ctx, &actor, i)?);
        }
        let parts = stock::load(conn, runtime, &staff)?;
        work::load(conn, runtime, &staff, &customers, &parts)?;
        // A cartridge filter (its plan is a cartridge set change) counted in litres.
        match customers.iter().find(|c| c.filter_id.is_some()) {
            Some(customer) => meters::load(conn, runtime, &staff, customer, &mut rng),
            None => Ok(()),
        }
    })?;
    tracing::info!(
        customers = DEMO_CUSTOMERS * scale.max(1),
        "demo company loaded"
    );
    Ok(true)
}

/// The demo company lets its customers choose their own visit times (orders
/// sent to scheduling invite the customer with a `/c/…` link) and prints its
/// phone on equipment stickers.
fn demo_settings(
    conn: &mut DbConnection,
    runtime: &Runtime,
    owner: &UserId,
) -> Result<(), AppError> {
    let mut settings = crate::config::company::CompanySettings::of(&runtime.config());
    settings.self_scheduling.enabled = true;
    if settings.company_phone.is_none() {
        settings.company_phone = Some("+380 44 390 12 34".into());
    }
    let (merged, version) =
        crate::flow::company_settings::save(conn, &runtime.settings, owner, settings)?;
    runtime.settings.apply(&merged, version)
}

/// Engineers start from the depot or from home around Kyiv; the first two also do gas work.
fn demo_profile(conn: &mut DbConnection, user_id: &UserId, i: usize) -> Result<(), AppError> {
    use crate::core::route::EngineerProfile;
    let hm = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
    let mut skills = vec!["filters".to_owned()];
    if i < 2 {
        skills.push("gas".into());
    }
    let profile = EngineerProfile {
        skills,
        work_days: vec![1, 2, 3, 4, 5],
        shift_start: hm(8),
        shift_end: hm(17),
        break_start: Some(hm(12)),
        break_minutes: 30,
        start_latitude: 50.45 + 0.03 * (i as f64 - 2.0),
        start_longitude: 30.52 + 0.02 * (i as f64 - 2.0),
        start_label: Some(if i == 0 { "Depot" } else { "Home" }.to_owned()),
        end_latitude: None,
        end_longitude: None,
        max_visits: Some(10),
    }
    .validate()?;
    crate::store::engineers::save_profile(conn, user_id, &profile, crate::store::now())
}

fn create<R: Repo>(
    conn: &mut DbConnection,
    ctx: &crate::core::InputContext,
    actor: &str,
    fields: R::Fields,
) -> Result<R::View, AppError> {
    records::create::<R>(conn, actor, fields.normalise(ctx)?)
}

/// The demo staff's ids by role.
#[derive(Default)]
pub struct Staff {
    pub managers: Vec<UserId>,
    pub administrators: Vec<UserId>,
    pub engineers: Vec<UserId>,
}

/// A demo customer's ids: the customer, its first site, the first equipment there.
pub struct DemoCustomer {
    pub customer_id: CustomerId,
    pub site_id: String,
    pub equipment_id: String,
    pub contact_id: String,
    /// The customer's first reverse osmosis filter, if they have one: the
    /// piece the demo's litres meter counts on.
    pub filter_id: Option<String>,
}

fn demo_customer(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    ctx: &crate::core::InputContext,
    actor: &str,
    i: usize,
) -> Result<DemoCustomer, AppError> {
    let mut first = DemoCustomer {
        customer_id: CustomerId::new(),
        site_id: String::new(),
        equipment_id: String::new(),
        contact_id: String::new(),
        filter_id: None,
    };
    let organisation = i % 4 == 3;
    let person = format!("{} {}", pick(rng, FIRST), pick(rng, LAST));
    let customer = create::<Customers>(
        conn,
        ctx,
        actor,
        CustomerFields {
            kind: if organisation {
                CustomerKind::Organisation
            } else {
                CustomerKind::Person
            },
            segment: if organisation {
                Segment::B2b
            } else {
                Segment::B2c
            },
            name: if organisation {
                format!("{} #{}", pick(rng, ORGS), i / 4 + 1)
            } else {
                person.clone()
            },
            legal_name: organisation.then(|| format!("ТОВ «Демо {}»", i)),
            tax_id: organisation.then(|| format!("{:08}", 30_000_000 + i * 7919)),
            legal_address: organisation
                .then(|| format!("{} {}, Київ", pick(rng, STREETS), rng.gen_range(1..120))),
            notes: i.is_multiple_of(5).then(|| {
                "Prefers morning visits; promised 10% off the next cartridge change.".to_owned()
            }),
            tags: if i.is_multiple_of(7) {
                vec!["vip".into()]
            } else {
                vec![]
            },
        },
    )?;
    let sites = if organisation && i % 8 == 3 { 2 } else { 1 };
    for s in 0..sites {
        let site = create::<Sites>(
            conn,
            ctx,
            actor,
            SiteFields {
                customer_id: customer.id.to_string(),
                label: Some(if s == 0 { "Main" } else { "Branch" }.into()),
                address_line1: format!("{} {}", pick(rng, STREETS), rng.gen_range(1..150)),
                address_line2: (!organisation).then(|| format!("кв. {}", rng.gen_range(1..200))),
                city: "Київ".into(),
                postal_code: Some(format!("0{}", rng.gen_range(1001..4999))),
                latitude: Some(50.45 + rng.gen_range(-0.08..0.08)),
                longitude: Some(30.52 + rng.gen_range(-0.14..0.14)),
                access_notes: (rng.gen_range(0..3) == 0).then(|| pick(rng, ACCESS).to_owned()),
            },
        )?;
        if s == 0 {
            first.site_id = site.id.to_string();
            first.contact_id = create::<Contacts>(
                conn,
                ctx,
                actor,
                ContactFields {
                    customer_id: customer.id.to_string(),
                    site_id: Some(site.id.to_string()),
                    name: person.clone(),
                    phones: vec![phone(rng)],
                    email: (rng.gen_range(0..2) == 0).then(|| format!("customer{i}@example.com")),
                    role: Some(if organisation {
                        ContactRole::DecisionMaker
                    } else {
                        ContactRole::Payer
                    }),
                    availability: Some(pick(rng, AVAILABILITY).to_owned()),
                    preferred_channel: Some(if i.is_multiple_of(3) {
                        Channel::Phone
                    } else {
                        Channel::Sms
                    }),
                    consent_service: true,
                    consent_marketing: i.is_multiple_of(2),
                    opted_out: vec![],
                    // Every fourth household reads its messages in Ukrainian.
                    locale: i
                        .is_multiple_of(4)
                        .then_some(crate::core::notice::Locale::Uk),
                },
            )?
            .id
            .to_string();
        }
        let items = rng.gen_range(1..=if organisation { 3 } else { 2 });
        for _ in 0..items {
            let (kind, models) = EQUIPMENT[rng.gen_range(0..EQUIPMENT.len())];
            let installed = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or_default()
                + Duration::days(rng.gen_range(0..1700));
            let item = create::<EquipmentRepo>(
                conn,
                ctx,
                actor,
                EquipmentFields {
                    site_id: site.id.to_string(),
                    kind: kind.into(),
                    model: Some(pick(rng, models).into()),
                    serial_number: Some(format!("SN{:09}", rng.gen_range(0..999_999_999))),
                    installed_on: Some(installed),
                    status: if rng.gen_range(0..20) == 0 {
                        EquipmentStatus::NeedsRepair
                    } else {
                        EquipmentStatus::InService
                    },
                    notes: None,
                },
            )?;
            if first.equipment_id.is_empty() {
                first.equipment_id = item.id.to_string();
            }
            if kind == FILTER && first.filter_id.is_none() {
                first.filter_id = Some(item.id.to_string());
            }
        }
    }
    first.customer_id = customer.id.clone();
    if organisation {
        create::<Contacts>(
            conn,
            ctx,
            actor,
            ContactFields {
                customer_id: customer.id.to_string(),
                site_id: None,
                name: format!("{} {}", pick(rng, FIRST), pick(rng, LAST)),
                phones: vec![phone(rng)],
                email: Some(format!("accounts{i}@example.com")),
                role: Some(ContactRole::Accountant),
                availability: Some("weekdays 9:00-17:00".into()),
                preferred_channel: Some(Channel::Email),
                consent_service: true,
                consent_marketing: false,
                opted_out: vec![],
                locale: None,
            },
        )?;
    }
    Ok(first)
}
