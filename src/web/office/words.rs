//! The office pages' words in English and Ukrainian: each word is written once
//! here, in both languages, so no page can show a missing translation.

macro_rules! words {
    ($($key:ident: $en:expr, $uk:expr;)*) => {
        /// Every word of the office pages in one language.
        pub struct Words {
            $(pub $key: &'static str,)*
            pub weekdays: [&'static str; 7],
            codes: &'static [(&'static str, &'static str)],
        }
        pub static EN: Words = Words { $($key: $en,)* weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], codes: &[] };
        pub static UK: Words = Words { $($key: $uk,)* weekdays: ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Нд"], codes: UK_CODES };
    };
}

impl Words {
    /// A status, kind or reason code in words: `work_done` → "Work done".
    pub fn code(&self, code: &str) -> String {
        if let Some((_, word)) = self.codes.iter().find(|(c, _)| *c == code) {
            return (*word).to_owned();
        }
        let mut text = code.replace('_', " ");
        if let Some(first) = text.get(0..1) {
            text = first.to_uppercase() + &text[1..];
        }
        text
    }
}

/// Codes shown in Ukrainian; English ones are the code made readable.
static UK_CODES: &[(&str, &str)] = &[
    ("warehouse", "Склад"),
    ("van", "Авто"),
    ("receipt", "Надходження"),
    ("transfer_out", "Переміщення (з)"),
    ("transfer_in", "Переміщення (до)"),
    ("issue", "Використано на візиті"),
    ("return", "Повернення"),
    ("adjustment", "Коригування"),
    ("count", "Перерахунок"),
    ("reservation", "Резерв"),
    ("release", "Зняття резерву"),
    ("low", "Мало"),
    ("champions", "Чемпіони"),
    ("loyal", "Лояльні"),
    ("potential_loyalists", "Потенційно лояльні"),
    ("promising", "Перспективні"),
    ("need_attention", "Потребують уваги"),
    ("about_to_sleep", "Засинають"),
    ("at_risk", "Під загрозою"),
    ("cant_lose_them", "Не можна втратити"),
    ("hibernating", "Сплячі"),
    ("lost", "Втрачені"),
    ("draft", "Чернетка"),
    ("agreed", "Погоджено"),
    ("scheduling", "Планування"),
    ("scheduled", "Заплановано"),
    ("en_route", "В дорозі"),
    ("on_site", "На місці"),
    ("work_done", "Роботу виконано"),
    ("certified", "Акт підписано"),
    ("closed", "Закрито"),
    ("cancelled", "Скасовано"),
    ("postponed", "Відкладено"),
    ("open", "Відкрите"),
    ("snoozed", "Відкладено"),
    ("converted", "Перетворено"),
    ("dismissed", "Відхилено"),
    ("maintenance", "Обслуговування"),
    ("follow_up", "Повторний контакт"),
    ("agreement", "Домовленість"),
    ("overdue_visit", "Прострочений візит"),
    ("service_request", "Заявка з наліпки"),
    ("device_alert", "Показник поза нормою"),
    ("meter_added", "Додано лічильник"),
    ("service_requested", "Заявка з наліпки"),
    ("sticker_withdrawn", "Наліпку відкликано"),
    ("papers_link_withdrawn", "Посилання на документи відкликано"),
    ("customer_request", "Прохання клієнта"),
    ("not_certified", "Без акта"),
    ("low", "Низький"),
    ("normal", "Звичайний"),
    ("high", "Високий"),
    ("urgent", "Терміновий"),
    ("booked", "Заплановано"),
    ("finished", "Завершено"),
    ("pending", "Очікує"),
    ("sent", "Надіслано"),
    ("delivered", "Доставлено"),
    ("failed", "Помилка"),
    ("dead", "Не доставлено"),
    ("sms", "SMS"),
    ("email", "Ел. пошта"),
    ("no_coordinates", "Немає координат"),
    ("customer_choosing", "Клієнт обирає час"),
    (
        "no_skilled_engineer",
        "Немає майстра з потрібними навичками",
    ),
    ("time_window", "Не вкладається у бажаний час"),
    ("shift_full", "День уже заповнений"),
    ("no_shift", "Ніхто з майстрів не працює в ці дні"),
    ("new", "Новий"),
    ("kept", "Залишено"),
    ("moved", "Перенесено"),
    ("owner", "Власник"),
    ("manager", "Менеджер"),
    ("administrator", "Адміністратор"),
    ("engineer", "Майстер"),
    ("discount", "Знижка"),
    ("future_work", "Майбутні роботи"),
    ("terms", "Умови"),
    ("active", "Діє"),
    ("honoured", "Виконано"),
    ("expired", "Минула"),
    ("inactive_user", "Неактивний"),
    ("payer", "Платник"),
    ("decision_maker", "Приймає рішення"),
    ("accountant", "Бухгалтер"),
    ("other", "Інше"),
    ("days", "днів"),
    ("weeks", "тижнів"),
    ("months", "місяців"),
    ("in_service", "Працює"),
    ("needs_repair", "Потребує ремонту"),
    ("removed", "Демонтовано"),
    ("maintenance_overdue", "Прострочене обслуговування"),
    ("declined", "Відмовився"),
    ("inactive", "Давно без замовлень"),
    ("reopen", "Відновити"),
    ("person", "Особа"),
    ("organisation", "Організація"),
    ("photo", "Фото"),
    ("signature", "Підпис"),
    ("created", "Створено"),
    ("updated", "Змінено"),
    ("agree", "Погоджено"),
    ("schedule", "Заплановано візит"),
    ("reschedule", "Перенесено візит"),
    ("certify", "Видано акт"),
    ("close", "Закрито"),
    ("finish", "Роботу завершено"),
    ("customer", "клієнт"),
    ("work_order", "замовлення"),
    ("reminder", "нагадування"),
    ("visit", "візит"),
];

words! {
    error: "Something went wrong", "Щось пішло не так";
    home: "Back to the start", "На початок";
    menu: "Main menu", "Головне меню";
    skip_to_content: "Skip to the content", "Перейти до змісту";
    sign_out: "Sign out", "Вийти";
    sign_in: "Sign in", "Увійти";
    email: "E-mail", "Ел. пошта";
    password: "Password", "Пароль";
    wrong_login: "Wrong e-mail or password.", "Невірна пошта або пароль.";
    engineers_use_app: "Engineers work in the phone app.", "Майстри працюють у застосунку на телефоні.";
    open_app: "Open the phone app", "Відкрити застосунок";
    menu_reminders: "Reminders", "Нагадування";
    menu_customers: "Customers", "Клієнти";
    menu_lost: "Lost customers", "Втрачені клієнти";
    menu_queue: "Scheduling queue", "Черга планування";
    menu_board: "Dispatch board", "Диспетчерська";
    menu_plan: "Route planning", "Планування маршрутів";
    menu_week: "Week", "Тиждень";
    menu_notifications: "Notifications", "Сповіщення";
    menu_stock: "Stock", "Склад";
    menu_load_lists: "Load lists", "Завантаження авто";
    st_location: "Location", "Місце";
    st_sku: "SKU", "Артикул";
    st_part: "Part", "Матеріал";
    st_on_hand: "On hand", "В наявності";
    st_reserved: "Reserved", "Зарезервовано";
    st_available: "Available", "Вільно";
    st_minimum: "Minimum", "Мінімум";
    st_low_only: "Running low only", "Лише те, чого мало";
    st_purchase_list: "Purchase list (CSV)", "Список закупівлі (CSV)";
    st_counted: "Counted", "Пораховано";
    st_record_count: "Record the count", "Записати перерахунок";
    st_count_hint: "Enter what you counted; lines left empty are not changed. Each difference goes on the ledger.", "Введіть пораховане; порожні рядки не змінюються. Кожна різниця записується в журнал руху.";
    st_movements: "Movements", "Рух";
    st_kind: "Kind", "Вид";
    st_after: "After", "Після";
    st_why: "Why", "Причина";
    st_where: "Where it is", "Де є";
    st_needed: "Needed", "Потрібно";
    st_in_van: "In the van", "В авто";
    st_to_pick: "To pick", "Взяти";
    st_from: "From", "Звідки";
    st_short: "Short", "Бракує";
    st_load_van: "Load the van", "Завантажити авто";
    st_running_low: "Running low", "Закінчується";
    st_to_order: "To order", "Замовити";
    st_since: "Since", "З";
    st_no_van: "No van set up for this engineer.", "Для цього майстра не налаштовано авто.";
    st_visits: "Visits", "Візити";
    st_nothing_to_load: "The day's visits need no parts.", "Візитам цього дня матеріали не потрібні.";
    menu_users: "Users", "Користувачі";
    menu_settings: "Settings", "Налаштування";
    menu_templates: "Message templates", "Шаблони повідомлень";
    menu_analytics: "Analytics", "Аналітика";
    menu_audit: "Audit trail", "Журнал дій";
    audit_when: "When", "Коли";
    audit_who: "Who", "Хто";
    audit_what: "What", "Що";
    audit_answer: "Answer", "Відповідь";
    audit_from: "From", "Звідки";
    audit_nobody: "no one signed in", "без входу";
    an_from: "From", "З";
    an_to: "To", "По";
    an_city: "City", "Місто";
    an_equipment_kind: "Equipment kind", "Вид обладнання";
    an_saved_segment: "Saved segment", "Збережений сегмент";
    an_customers: "Customers", "Клієнти";
    an_active: "Active", "Активні";
    an_new: "New", "Нові";
    an_at_risk: "At risk", "Під загрозою";
    an_churned: "Lost in the period", "Втрачені за період";
    an_won_back: "Won back", "Повернуті";
    an_churn_rate: "Churn rate", "Відтік";
    an_revenue: "Revenue", "Виручка";
    an_orders: "Orders", "Замовлення";
    an_aov: "Average order", "Середнє замовлення";
    an_frequency: "Orders per customer", "Замовлень на клієнта";
    an_ltv: "Lifetime value", "Цінність клієнта (LTV)";
    an_csat: "Satisfaction (CSAT)", "Задоволеність (CSAT)";
    an_nps: "Net Promoter Score", "Індекс NPS";
    an_on_time: "On time", "Вчасно";
    an_ftf: "First-time fix", "З першого візиту";
    an_no_access: "No access", "Без доступу";
    an_utilisation: "Utilisation", "Завантаженість";
    an_visits_day: "Visits a day", "Візитів на день";
    an_revenue_by_month: "Revenue by month", "Виручка за місяцями";
    an_funnel: "From reminder to done", "Від нагадування до виконання";
    an_median_days: "median days", "медіана днів";
    an_activity: "Orders by weekday and hour", "Замовлення за днями й годинами";
    an_cohorts: "Retention by cohort of first order", "Утримання за когортами першого замовлення";
    an_rfm: "RFM: recency × frequency", "RFM: давність × частота";
    an_value_by_segment: "Lifetime value by segment", "Цінність клієнта за сегментами";
    an_top: "Most valuable customers", "Найцінніші клієнти";
    an_by_retention: "By the segment's retention by year", "За утриманням сегмента по роках";
    an_team: "Field quality", "Якість виїздів";
    an_by_city: "By city", "За містами";
    an_by_manager: "By manager", "За менеджерами";
    an_by_engineer: "By engineer", "За майстрами";
    an_export: "CSV", "CSV";
    an_segments: "Segments and mass messages", "Сегменти й розсилки";
    an_segment_name: "Segment name", "Назва сегмента";
    an_new_segment: "Save as a segment", "Зберегти як сегмент";
    an_last_service_over: "Last service more than … months ago", "Останнє обслуговування понад … місяців тому";
    an_model: "Equipment model contains", "Модель обладнання містить";
    an_overdue: "Maintenance overdue", "Обслуговування прострочене";
    an_message: "Message", "Повідомлення";
    an_channel: "Channel", "Канал";
    an_subject: "Subject (e-mail)", "Тема (e-mail)";
    an_count_recipients: "Count recipients", "Порахувати отримувачів";
    an_reachable: "{reachable} of {customers} customers can receive it.", "Отримають {reachable} з {customers} клієнтів.";
    an_send: "Send to the segment", "Надіслати сегменту";
    an_sent: "Sent", "Надіслано";
    an_delivery: "Delivery", "Доставка";
    an_model_in_use: "The dashboard leads with", "Дашборд показує насамперед";
    an_yearly_trend: "yearly trend of the revenue path", "річний тренд виручки";
    an_path_in_report: "the revenue path (discounted_path) is in the lifetime-value export", "шлях виручки (discounted_path) — у вивантаженні цінності клієнтів";
    filter: "Filter", "Фільтр";
    search: "Search", "Пошук";
    next_page: "Next page", "Наступна сторінка";
    first_page: "First page", "Перша сторінка";
    nothing: "Nothing here.", "Тут нічого немає.";
    all: "All", "Усі";
    save: "Save", "Зберегти";
    cancel: "Cancel", "Скасувати";
    due: "Due", "Термін";
    kind: "Kind", "Тип";
    customer: "Customer", "Клієнт";
    note: "Note", "Примітка";
    status: "Status", "Статус";
    actions: "Actions", "Дії";
    due_from: "Due from", "Термін від";
    due_to: "Due to", "Термін до";
    overdue: "overdue", "прострочено";
    convert: "Open a work order", "Відкрити замовлення";
    snooze: "Snooze", "Відкласти";
    snooze_until: "Until", "До";
    dismiss: "Dismiss", "Відхилити";
    dismiss_reason: "Why", "Причина";
    search_hint: "Name, phone or address", "Ім'я, телефон або адреса";
    name: "Name", "Ім'я";
    phone: "Phone", "Телефон";
    address: "Address", "Адреса";
    segment: "Segment", "Сегмент";
    contacts: "Contacts", "Контакти";
    availability: "Available", "Доступність";
    sites: "Sites", "Об'єкти";
    access_notes: "Access", "Доступ";
    equipment: "Equipment", "Обладнання";
    model: "Model", "Модель";
    serial: "Serial number", "Серійний номер";
    installed_on: "Installed", "Встановлено";
    plans: "Maintenance plans", "Плани обслуговування";
    next_due: "Next due", "Наступне обслуговування";
    no_readings: "no readings yet", "показів ще немає";
    per_day: "/day", "/день";
    in_30_days: "in 30 days", "за 30 днів";
    units_left: "left", "залишилось";
    forecast: "forecast", "прогноз";
    agreements: "Agreements", "Домовленості";
    open_orders: "Open orders", "Відкриті замовлення";
    past_orders: "Past orders", "Минулі замовлення";
    certificates: "Certificates", "Акти";
    certificate: "Certificate", "Акт";
    timeline: "Timeline", "Історія";
    by_customer: "the customer, from their link", "клієнт, за посиланням";
    open_reminders: "Waiting reminders", "Нагадування, що чекають";
    new_order: "New work order", "Нове замовлення";
    record_agreement: "Record an agreement", "Записати домовленість";
    agreement_text: "What was promised", "Що пообіцяли";
    amount: "Amount", "Сума";
    percent: "Percent", "Відсоток";
    valid_until: "Valid until", "Діє до";
    follow_up_on: "Come back to it on", "Повернутися до цього";
    site: "Site", "Об'єкт";
    scope: "Scope", "Обсяг робіт";
    description: "Description", "Опис";
    quantity: "Quantity", "Кількість";
    unit_price: "Unit price", "Ціна за од.";
    total: "Total", "Разом";
    estimated_minutes: "Estimated minutes", "Орієнтовно хвилин";
    priority: "Priority", "Пріоритет";
    skills: "Skills (comma separated)", "Навички (через кому)";
    engineer_notes: "Notes for the engineer", "Примітки для майстра";
    time_wishes: "Customer's wishes for the time", "Побажання клієнта щодо часу";
    create: "Create", "Створити";
    agree: "Agree price and scope", "Погодити ціну та обсяг";
    send_to_scheduling: "Hand to administrators", "Передати адміністраторам";
    close_order: "Close the order", "Закрити замовлення";
    next_step: "Next step", "Наступний крок";
    follow_up_reminder: "Follow-up reminder on", "Нагадати";
    order: "Work order", "Замовлення";
    visits: "Visits", "Візити";
    engineer: "Engineer", "Майстер";
    when: "When", "Коли";
    outcome: "Outcome", "Результат";
    result_notes: "Engineer's notes", "Примітки майстра";
    recommendations: "Recommendations", "Рекомендації";
    certify: "Record completion and issue the certificate", "Зафіксувати виконання і видати акт";
    summary: "Summary of the work", "Підсумок робіт";
    download: "Download", "Завантажити";
    lost_reason: "Why lost", "Чому втрачено";
    last_order: "Last completed order", "Останнє виконане замовлення";
    export_csv: "Export CSV", "Експорт CSV";
    queue_hint: "Orders waiting for a date, an engineer and an on-site contact.", "Замовлення, що чекають дати, майстра та контактної особи.";
    waiting_since: "Waiting since", "Чекає з";
    awaiting_choice: "Waiting for the customer's own choice of time", "Чекають, поки клієнт сам обере час";
    send_choice_link: "Let the customer choose", "Хай клієнт обере";
    remind_choice: "Remind the customer", "Нагадати клієнту";
    duration: "Duration", "Тривалість";
    on_site_contact: "On-site contact", "Контакт на місці";
    time_windows: "Time windows", "Часові вікна";
    book: "Book a visit", "Запланувати візит";
    start: "Start", "Початок";
    end: "End", "Кінець";
    date: "Date", "Дата";
    previous_day: "Previous day", "Попередній день";
    next_day: "Next day", "Наступний день";
    today: "Today", "Сьогодні";
    move_visit: "Move", "Перенести";
    conflicts: "Conflicts", "Накладки";
    book_anyway: "Book anyway", "Все одно запланувати";
    route: "Route", "Маршрут";
    up: "Move up", "Вище";
    down: "Move down", "Нижче";
    plan_day: "Propose routes", "Запропонувати маршрути";
    days: "Days", "Днів";
    time_limit: "Seconds to think", "Секунд на розрахунок";
    unassigned: "Not planned", "Не заплановано";
    reason: "Reason", "Причина";
    accept_all: "Accept and book", "Прийняти і запланувати";
    accept_route: "Accept this route", "Прийняти цей маршрут";
    driving: "Driving", "У дорозі";
    distance: "Distance", "Відстань";
    lunch: "Lunch", "Обід";
    map: "Map of the routes", "Карта маршрутів";
    departure: "Leaves", "Виїзд";
    returns: "Back", "Повернення";
    accepted: "Accepted", "Прийнято";
    previous_week: "Previous week", "Попередній тиждень";
    next_week: "Next week", "Наступний тиждень";
    channel: "Channel", "Канал";
    recipient: "To", "Кому";
    attempts: "Attempts", "Спроби";
    last_error: "Last error", "Остання помилка";
    retry: "Send again", "Надіслати ще раз";
    failures_only: "Failures only", "Лише помилки";
    role: "Roles", "Ролі";
    active: "Active", "Активний";
    add_user: "Add a user", "Додати користувача";
    deactivate: "Deactivate", "Деактивувати";
    activate: "Activate", "Активувати";
    company: "Company", "Компанія";
    print_stickers: "Print QR stickers", "Друк QR-наліпок";
    print_sticker: "Sticker", "Наліпка";
    withdraw_sticker: "Withdraw sticker", "Відкликати наліпку";
    withdraw_sticker_confirm: "The printed QR code will stop opening this equipment's page. Withdraw it?", "Надрукований QR-код перестане відкривати сторінку цього обладнання. Відкликати?";
    callback: "Call back", "Передзвонити";
    photo: "Photo", "Фото";
    company_phone: "Phone for customers (on equipment stickers)", "Телефон для клієнтів (на наліпках обладнання)";
    company_details: "Other details for certificates (bank, phone)", "Інші реквізити для актів (банк, телефон)";
    timezone: "Time zone", "Часовий пояс";
    currency: "Currency", "Валюта";
    default_language: "Default language of messages", "Мова повідомлень за замовчуванням";
    smtp: "E-mail (SMTP)", "Пошта (SMTP)";
    smtp_host: "Server", "Сервер";
    smtp_port: "Port", "Порт";
    smtp_security: "Security", "Захист";
    smtp_username: "User name", "Користувач";
    smtp_from: "From address", "Адреса відправника";
    sms: "SMS", "SMS";
    sms_provider: "Provider", "Провайдер";
    sms_url: "Address of the service", "Адреса сервісу";
    sms_account: "Account", "Обліковий запис";
    sms_from: "Sender", "Відправник";
    secret_kept: "Leave empty to keep the saved one", "Залиште порожнім, щоб зберегти попередній";
    send_test: "Send a test", "Надіслати тест";
    test_to: "Send the test to", "Кому надіслати тест";
    test_sent: "Sent.", "Надіслано.";
    saved: "Saved.", "Збережено.";
    template_event: "Event", "Подія";
    locale: "Language", "Мова";
    subject: "Subject", "Тема";
    body: "Text", "Текст";
    preview: "Preview", "Попередній перегляд";
    reset_default: "Back to the default", "Повернути стандартний";
    customised: "customised", "змінено";
    per_page: "per page", "на сторінці";
    contact_person: "Contact", "Контакт";
    b2b: "Business", "Бізнес";
    b2c: "Private", "Приватний";
    agreed_on: "Agreed", "Погоджено";
    since: "Since", "З";
    edit: "Edit", "Змінити";
    postpone: "Postpone", "Відкласти";
    unschedule: "Take off the schedule", "Зняти з розкладу";
    new_customer: "New customer", "Новий клієнт";
    add_contact: "Add a contact", "Додати контакт";
    add_site: "Add a site", "Додати об'єкт";
    add_equipment: "Add equipment", "Додати обладнання";
    add_plan: "Plan maintenance", "Запланувати обслуговування";
    add_reminder: "Remind me", "Нагадати";
    phones: "Phones (comma separated)", "Телефони (через кому)";
    legal_name: "Legal name", "Юридична назва";
    tax_id: "Tax number", "Податковий номер";
    legal_address: "Legal address", "Юридична адреса";
    tags: "Tags (comma separated)", "Мітки (через кому)";
    site_label: "Short name", "Коротка назва";
    city: "City", "Місто";
    postal_code: "Postal code", "Індекс";
    latitude: "Latitude", "Широта";
    longitude: "Longitude", "Довгота";
    service_kind: "Service", "Послуга";
    every: "Every", "Кожні";
    unit: "Unit", "Одиниця";
    lead_days: "Remind days ahead", "Нагадати за днів";
    settings_from_environment: "Saved settings apply at once on every server; until the first save, the server's configuration (environment or ORDERLY_CONFIG) provides them.", "Збережені налаштування діють одразу на всіх серверах; до першого збереження їх бере конфігурація сервера (змінні середовища або ORDERLY_CONFIG).";
    last_contact: "Last contact", "Останній контакт";
    more_in_export: "More in the export.", "Решта — в експорті.";
}
