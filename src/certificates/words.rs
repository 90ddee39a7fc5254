//! The certificate's words in each language it is issued in.

use crate::core::notice::Locale;

/// Labels and fixed phrases of the certificate.
pub struct Words {
    pub title: &'static str,
    pub date: &'static str,
    pub customer: &'static str,
    pub tax_code: &'static str,
    pub site: &'static str,
    pub order: &'static str,
    pub equipment: &'static str,
    pub model: &'static str,
    pub serial: &'static str,
    pub visit: &'static str,
    pub engineer: &'static str,
    pub work: &'static str,
    pub item: &'static str,
    pub qty: &'static str,
    pub price: &'static str,
    pub sum: &'static str,
    pub total: &'static str,
    pub parts: &'static str,
    pub summary: &'static str,
    pub notes: &'static str,
    pub recommendations: &'static str,
    pub photos: &'static str,
    pub next: &'static str,
    pub signed_company: &'static str,
    pub signed_customer: &'static str,
    /// "Page {n} of {m}" with the numbers put in.
    pub page_of: fn(usize, usize) -> String,
}

/// The words of a locale.
pub fn of(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::Uk => &UK,
    }
}

const EN: Words = Words {
    title: "Certificate of work performed No.",
    date: "Date",
    customer: "Customer",
    tax_code: "tax code",
    site: "Site",
    order: "Work order",
    equipment: "Equipment serviced",
    model: "model",
    serial: "serial No.",
    visit: "Visit",
    engineer: "Engineer",
    work: "Work",
    item: "Description",
    qty: "Qty",
    price: "Price",
    sum: "Sum",
    total: "Total",
    parts: "Parts used",
    summary: "Work performed",
    notes: "Notes",
    recommendations: "Recommendations",
    photos: "Photos",
    next: "Next service due",
    signed_company: "For the contractor",
    signed_customer: "For the customer",
    page_of: |n, m| format!("Page {n} of {m}"),
};

const UK: Words = Words {
    title: "Акт виконаних робіт №",
    date: "Дата",
    customer: "Замовник",
    tax_code: "код ЄДРПОУ",
    site: "Об'єкт",
    order: "Замовлення",
    equipment: "Обслуговане обладнання",
    model: "модель",
    serial: "зав. №",
    visit: "Візит",
    engineer: "Майстер",
    work: "Роботи",
    item: "Найменування",
    qty: "К-сть",
    price: "Ціна",
    sum: "Сума",
    total: "Разом",
    parts: "Використані матеріали",
    summary: "Виконано",
    notes: "Примітки",
    recommendations: "Рекомендації",
    photos: "Фото",
    next: "Наступне обслуговування",
    signed_company: "Від виконавця",
    signed_customer: "Від замовника",
    page_of: |n, m| format!("Сторінка {n} з {m}"),
};
