// The engineer's phone app: today's route, a visit's buttons, checklist, photos,
// signature. Everything the engineer does goes into a queue in IndexedDB first
// and is sent from there with its own id (Idempotency-Key), so nothing is lost
// on a weak connection and a resend never does anything twice.
'use strict';

const WORDS = {
  en: {
    login: 'Sign in', email: 'E-mail', password: 'Password', wrong: 'Wrong e-mail or password',
    today: "Today's route", none: 'No visits today', refresh: 'Refresh', back: '← Route',
    call: 'Call', navigate: 'Navigate', access: 'Access', promises: 'Promised',
    on_the_way: 'On the way', arrived: 'Arrived', finish: 'Finish the visit', no_access: 'No access',
    no_access_why: 'Why could you not get in?', checklist: 'Work', parts: 'Parts used',
    part_name: 'Part', add_part: 'Add part', from_van: 'from the van', notes: 'Notes', recommendations: 'Recommendations for the next service',
    photos: 'Photos', add_photo: 'Take a photo', signature: "Customer's signature", clear: 'Clear',
    rating: 'Customer rating', comment: "Customer's comment", offline: 'Offline', online: 'Online',
    waiting: 'waiting to send', sent_all: 'All sent', finished: 'Visit finished', logout: 'Sign out',
    status_booked: 'Booked', status_en_route: 'On the way', status_on_site: 'On site',
    status_finished: 'Finished', status_cancelled: 'Cancelled', failed: 'Not accepted by the server',
    scope: 'Work to do', equipment: 'Equipment', serial: 'S/N', meters: 'Meters', last_read: 'last',
    never_read: 'not read yet', reading: 'Reading', record: 'Record', recorded: 'Recorded', history: 'Last visits',
    load: 'Load the van', loaded: 'Van loaded', load_done: 'Loading recorded', short: 'short',
  },
  uk: {
    login: 'Увійти', email: 'Ел. пошта', password: 'Пароль', wrong: 'Невірна пошта або пароль',
    today: 'Маршрут на сьогодні', none: 'Сьогодні візитів немає', refresh: 'Оновити', back: '← Маршрут',
    call: 'Подзвонити', navigate: 'Маршрут', access: 'Доступ', promises: 'Обіцяно',
    on_the_way: 'Виїхав', arrived: 'На місці', finish: 'Завершити візит', no_access: 'Немає доступу',
    no_access_why: 'Чому не вдалося потрапити?', checklist: 'Роботи', parts: 'Матеріали',
    part_name: 'Матеріал', add_part: 'Додати матеріал', from_van: 'з авто', notes: 'Примітки', recommendations: 'Рекомендації на наступний раз',
    photos: 'Фото', add_photo: 'Зробити фото', signature: 'Підпис замовника', clear: 'Очистити',
    rating: 'Оцінка замовника', comment: 'Коментар замовника', offline: 'Офлайн', online: 'Онлайн',
    waiting: 'чекають відправки', sent_all: 'Усе відправлено', finished: 'Візит завершено', logout: 'Вийти',
    status_booked: 'Заплановано', status_en_route: 'В дорозі', status_on_site: 'На місці',
    status_finished: 'Завершено', status_cancelled: 'Скасовано', failed: 'Сервер не прийняв',
    scope: 'Що зробити', equipment: 'Обладнання', serial: 'С/н', meters: 'Лічильники', last_read: 'останнє',
    never_read: 'ще не знімали', reading: 'Показник', record: 'Записати', recorded: 'Записано', history: 'Попередні візити',
    load: 'Завантажити авто', loaded: 'Авто завантажено', load_done: 'Завантаження записано', short: 'бракує',
  },
};
const LANG = (navigator.language || 'en').toLowerCase().startsWith('uk') ? 'uk' : 'en';
const t = (k) => WORDS[LANG][k] || WORDS.en[k] || k;
document.documentElement.lang = LANG;

// Elements from data, never from HTML strings: nothing a customer typed can run.
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid !== null && kid !== undefined && kid !== false) el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}
/// Replaces the page's content; absent parts (null, false) are left out.
const render = (...kids) => document.getElementById('app')
  .replaceChildren(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));
/// Times in the company's time zone, whatever the phone's.
const ZONE = (document.querySelector('meta[name=orderly-timezone]') || {}).content || undefined;
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());

// Tokens.
const tokens = {
  get access() { return localStorage.getItem('access'); },
  get refresh() { return localStorage.getItem('refresh'); },
  set(pair) { localStorage.setItem('access', pair.access_token); localStorage.setItem('refresh', pair.refresh_token); },
  clear() { localStorage.removeItem('access'); localStorage.removeItem('refresh'); },
};

async function refreshTokens() {
  if (!tokens.refresh) return false;
  const r = await fetch('/api/v1/auth/refresh', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: tokens.refresh }),
  });
  if (!r.ok) { if (r.status === 401) tokens.clear(); return false; }
  tokens.set(await r.json());
  return true;
}

// One request; a network failure throws (the caller keeps the work queued).
async function api(method, url, body, type, key) {
  const send = () => {
    const headers = {};
    if (tokens.access) headers.Authorization = 'Bearer ' + tokens.access;
    if (type) headers['Content-Type'] = type;
    if (key) headers['Idempotency-Key'] = key;
    return fetch(url, { method, headers, body });
  };
  let r = await send();
  if (r.status === 401 && await refreshTokens()) r = await send();
  return r;
}

// The queue, in IndexedDB: it survives a closed tab, a dead battery, a reload.
const dbReady = new Promise((resolve, reject) => {
  const open = indexedDB.open('orderly', 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('queue', { keyPath: 'seq', autoIncrement: true });
    open.result.createObjectStore('failed', { keyPath: 'seq' });
  };
  open.onsuccess = () => resolve(open.result);
  open.onerror = () => reject(open.error);
});
async function store(name, mode, fn) {
  const db = await dbReady;
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const result = fn(tx.objectStore(name));
    tx.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}
const queued = () => store('queue', 'readonly', (s) => s.getAll());
const failed = () => store('failed', 'readonly', (s) => s.getAll());

/// Queues one request and starts sending.
async function enqueue(method, url, body, type) {
  await store('queue', 'readwrite', (s) => s.add({ id: newId(), method, url, body, type, at: Date.now() }));
  showQueue();
  flush();
}

let flushing = false;
async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    for (const item of await queued()) {
      let r;
      try {
        r = await api(item.method, item.url, item.body, item.type, item.id);
      } catch (e) {
        showNet(false);
        break; // offline: try again later, in the same order
      }
      showNet(true);
      if (r.status >= 500 || r.status === 401 || r.status === 429) break;
      if (!r.ok) {
        // Refused for good: kept where the engineer sees it, never silently dropped.
        const error = await r.text();
        await store('failed', 'readwrite', (s) => s.put({ ...item, status: r.status, error }));
      }
      await store('queue', 'readwrite', (s) => s.delete(item.seq));
    }
  } finally {
    flushing = false;
    showQueue();
  }
}
setInterval(flush, 2000);
addEventListener('online', flush);

function showNet(online) {
  const el = document.getElementById('net');
  if (el) { el.textContent = online ? t('online') : t('offline'); el.className = online ? 'ok' : 'warn'; }
}
async function showQueue() {
  const el = document.getElementById('queue');
  if (!el) return;
  const [waiting, refused] = [await queued(), await failed()];
  el.textContent = waiting.length ? `${waiting.length} ${t('waiting')}` : t('sent_all');
  el.dataset.count = waiting.length;
  el.dataset.failed = refused.length;
  el.className = waiting.length ? 'warn' : 'ok';
}
window.orderlyQueue = async () => ({ waiting: (await queued()).length, failed: (await failed()).length });

// What the phone knows of today's route: the last copy from the server, with
// the engineer's own queued changes on top (status and version).
const route = {
  get visits() { return JSON.parse(localStorage.getItem('route') || '[]'); },
  set visits(v) { localStorage.setItem('route', JSON.stringify(v)); },
  local(id) { return JSON.parse(localStorage.getItem('local:' + id) || 'null'); },
  setLocal(id, v) { localStorage.setItem('local:' + id, JSON.stringify(v)); },
};
function state(item) {
  const mine = route.local(item.visit.id);
  const server = { status: item.visit.status, version: item.work_order.version };
  // The server's word wins once it has moved past what the phone did.
  return mine && mine.version >= server.version ? mine : server;
}

async function loadRoute() {
  try {
    const r = await api('GET', '/api/v1/my/visits');
    if (r.status === 401) return showLogin();
    if (r.ok) { route.visits = await r.json(); showNet(true); }
    const l = await api('GET', '/api/v1/my/load-list');
    if (l.ok) localStorage.setItem('load', JSON.stringify(await l.json()));
  } catch (e) {
    showNet(false);
  }
  showRoute();
}

/// What to take from the warehouse for today's visits, and "loaded" (queued
/// like every action: the server takes it once).
function loadList() {
  const list = JSON.parse(localStorage.getItem('load') || 'null');
  if (!list) return null;
  const picks = list.lines.filter((l) => l.to_pick > 0 || l.short > 0);
  if (!picks.length) return null;
  const done = localStorage.getItem('loaded:' + list.date);
  return h('section', { class: 'card', id: 'load-list' }, h('h3', {}, t('load')),
    h('ul', {}, ...picks.map((l) => h('li', { 'data-sku': l.sku }, h('strong', {}, `${number(l.to_pick)} × `), l.name,
      h('span', { class: 'muted' }, ` · ${l.from.map((f) => f.location).join(', ')}`),
      l.short > 0 && h('span', { class: 'warn' }, ` · ${t('short')} ${number(l.short)}`)))),
    done ? h('p', { class: 'ok', id: 'loaded' }, `✓ ${t('load_done')}`)
      : h('button', { class: 'primary', id: 'load-van', onclick: async () => {
        await enqueue('POST', '/api/v1/my/load-list/load', JSON.stringify({ date: list.date }), 'application/json');
        localStorage.setItem('loaded:' + list.date, '1');
        showRoute();
      } }, t('loaded')));
}

function showLogin(error) {
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const body = JSON.stringify({ email: form.email.value, password: form.password.value });
    const r = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    if (!r.ok) return showLogin(t('wrong'));
    tokens.set(await r.json());
    loadRoute();
  } },
  h('h2', {}, t('login')),
  error && h('p', { class: 'error', role: 'alert' }, error),
  h('label', {}, t('email'), h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true })),
  h('label', {}, t('password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
  h('button', { type: 'submit' }, t('login')));
  render(form);
}

const time = (iso) => new Date(iso).toLocaleTimeString(LANG, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: ZONE });
const mapLink = (site) => site.latitude != null
  ? `https://www.google.com/maps/dir/?api=1&destination=${site.latitude},${site.longitude}`
  : `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(site.address_line1 + ', ' + site.city)}`;

function showRoute() {
  const visits = route.visits;
  render(
    h('div', { class: 'bar' }, h('h2', {}, t('today')),
      h('button', { class: 'small', onclick: loadRoute }, t('refresh'))),
    visits.length ? null : h('p', {}, t('none')),
    loadList(),
    ...visits.map((item) => {
      const s = state(item);
      const phone = item.on_site_contact && item.on_site_contact.phones[0];
      return h('article', { class: 'card visit', 'data-visit': item.visit.id },
        h('a', { class: 'open', href: '#visit/' + item.visit.id },
          h('strong', {}, `${time(item.visit.planned_start)}–${time(item.visit.planned_end)}`),
          ' ', h('span', { class: 'status' }, t('status_' + s.status)),
          h('div', {}, item.customer_name),
          h('div', { class: 'muted' }, `${item.site.address_line1}, ${item.site.city}`)),
        item.site.access_notes && h('p', { class: 'note' }, `${t('access')}: ${item.site.access_notes}`),
        h('div', { class: 'actions' },
          phone && h('a', { class: 'button small', href: 'tel:' + phone }, `${t('call')} ${item.on_site_contact.name}`),
          h('a', { class: 'button small', href: mapLink(item.site), target: '_blank', rel: 'noopener' }, t('navigate'))));
    }),
    h('button', { class: 'link', onclick: () => { tokens.clear(); localStorage.clear(); showLogin(); } }, t('logout')));
}

/// Queues a work-order action with the version the phone expects, and moves the
/// local state on at once.
async function act(item, action, body, next) {
  const s = state(item);
  await enqueue('POST', `/api/v1/work-orders/${item.work_order.id}/actions/${action}`,
    JSON.stringify({ ...body, version: s.version }), 'application/json');
  route.setLocal(item.visit.id, { status: next, version: s.version + 1 });
  showVisit(item.visit.id);
}

/// A photo downscaled on the phone (longest side 1600 px, JPEG) before it is queued.
async function downscale(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = h('canvas', { width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale) });
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.82));
}

function signaturePad() {
  const canvas = h('canvas', { class: 'signature', width: 600, height: 200 });
  const ctx = canvas.getContext('2d');
  ctx.lineWidth = 3; ctx.lineCap = 'round'; ctx.strokeStyle = '#111';
  let drawing = false;
  canvas.dataset.empty = '1';
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* a pointer the browser no longer tracks */ }
    ctx.beginPath(); ctx.moveTo(...at(e));
  });
  canvas.addEventListener('pointermove', (e) => { if (!drawing) return; ctx.lineTo(...at(e)); ctx.stroke(); canvas.dataset.empty = ''; });
  canvas.addEventListener('pointerup', () => { drawing = false; });
  const clear = h('button', { type: 'button', class: 'small', onclick: () => { ctx.clearRect(0, 0, canvas.width, canvas.height); canvas.dataset.empty = '1'; } }, t('clear'));
  return { canvas, clear };
}

const day = (iso) => new Date(iso).toLocaleDateString(LANG, { day: 'numeric', month: 'short', year: 'numeric', timeZone: ZONE });
const number = (v) => Number(v).toLocaleString(LANG, { maximumFractionDigits: 2 });

/// What the engineer reads before leaving: the work, the equipment, its
/// meters with their last readings, and what was found the last times here.
function briefing(item) {
  const scope = item.work_order.scope_lines;
  return [
    scope.length > 0 && h('section', { class: 'card', id: 'scope' }, h('h3', {}, t('scope')),
      h('ul', {}, ...scope.map((l) => h('li', {}, `${l.description} × ${number(l.quantity)}`)))),
    item.equipment.length > 0 && h('section', { class: 'card', id: 'equipment' }, h('h3', {}, t('equipment')),
      h('ul', {}, ...item.equipment.map((e) => h('li', {}, [e.kind, e.model].filter(Boolean).join(' · '),
        e.serial ? h('span', { class: 'muted' }, ` · ${t('serial')} `, h('bdi', {}, e.serial)) : null)))),
    (item.history || []).length > 0 && h('section', { class: 'card', id: 'history' }, h('h3', {}, t('history')),
      ...item.history.map((v) => h('p', {}, h('strong', {}, day(v.finished_at)), ` · ${v.engineer_name}`,
        v.result_notes && h('div', {}, v.result_notes),
        v.recommendations && h('div', { class: 'muted' }, v.recommendations)))),
  ];
}

/// The visit's meters: the last reading of each, and on site a reading to
/// record, queued like every other action (its moment is taken on the phone,
/// so a resend is the same reading).
function meterList(item, onSite) {
  if (!(item.meters || []).length) return null;
  const id = item.visit.id;
  return h('section', { class: 'card', id: 'meters' }, h('h3', {}, t('meters')),
    ...item.meters.map((m) => {
      const mine = localStorage.getItem(`read:${id}:${m.id}`);
      const last = m.last
        ? `${t('last_read')}: ${number(m.last.value)} ${m.unit} · ${day(m.last.read_at)}`
        : t('never_read');
      const label = h('div', {}, h('strong', {}, m.name || m.unit), ' ', h('span', { class: 'muted' }, last),
        mine && h('div', { class: 'ok recorded' }, `✓ ${t('recorded')}: ${number(mine)} ${m.unit}`));
      if (!onSite) return h('div', { class: 'meter', 'data-meter': m.id }, label);
      return h('form', { class: 'meter', 'data-meter': m.id, onsubmit: async (e) => {
        e.preventDefault();
        const value = Number(e.target.value.value);
        if (!e.target.value.value || !Number.isFinite(value)) return;
        await enqueue('POST', `/api/v1/my/visits/${id}/readings`,
          JSON.stringify({ meter_id: m.id, value, read_at: new Date().toISOString() }), 'application/json');
        localStorage.setItem(`read:${id}:${m.id}`, String(value));
        showVisit(id);
      } }, label, h('div', { class: 'row' },
        h('input', { name: 'value', type: 'number', step: 'any', min: m.mode === 'cumulative' ? '0' : null,
          inputmode: 'decimal', 'aria-label': `${t('reading')} ${m.unit}`, class: 'grow' }),
        h('button', { type: 'submit', class: 'small' }, t('record'))));
    }));
}

function showVisit(id) {
  const item = route.visits.find((v) => v.visit.id === id);
  if (!item) return showRoute();
  const s = state(item);
  const site = item.site;
  const parts = h('div', { class: 'parts' });
  const addPart = () => parts.append(h('div', { class: 'row' },
    h('input', { name: 'part', placeholder: t('part_name') }),
    h('input', { name: 'qty', type: 'number', min: '0', step: '0.1', value: '1', inputmode: 'decimal' })));
  const pad = signaturePad();
  const photoCount = h('span', { class: 'muted', id: 'photo-count' }, '');
  let photos = Number(sessionStorage.getItem('photos:' + id) || 0);
  photoCount.textContent = photos ? `× ${photos}` : '';
  const photoInput = h('input', { type: 'file', accept: 'image/*', capture: 'environment', id: 'photo', onchange: async (e) => {
    for (const file of e.target.files) {
      const blob = await downscale(file);
      await enqueue('POST', `/api/v1/my/visits/${id}/photos`, blob, 'image/jpeg');
      photos += 1;
      sessionStorage.setItem('photos:' + id, photos);
      photoCount.textContent = `× ${photos}`;
    }
    e.target.value = '';
  } });

  const onSite = h('form', { class: 'card', id: 'finish', onsubmit: async (e) => {
    e.preventDefault();
    const f = e.target;
    const done = item.work_order.scope_lines
      .map((line, i) => ({ line, done: f['done' + i].checked, qty: Number(f['qty' + i].value) }))
      .filter((x) => x.done && x.qty > 0);
    const lines = done.map((x) => ({ ...x.line, quantity: x.qty }));
    // A ticked line that names a catalogue part is a part used: issued from the van once.
    const fromVan = done.filter((x) => x.line.part_id)
      .map((x) => ({ part_id: x.line.part_id, name: x.line.description, quantity: x.qty }));
    const used = [...fromVan, ...[...parts.querySelectorAll('.row')]
      .map((r) => ({ name: r.querySelector('[name=part]').value.trim(), quantity: Number(r.querySelector('[name=qty]').value) }))
      .filter((p) => p.name && p.quantity > 0)];
    if (!pad.canvas.dataset.empty) {
      const png = await new Promise((resolve) => pad.canvas.toBlob(resolve, 'image/png'));
      await enqueue('POST', `/api/v1/my/visits/${id}/signature`, png, 'image/png');
    }
    const rating = f.rating.value ? Number(f.rating.value) : null;
    await act(item, 'finish', {
      lines_done: lines.length ? lines : undefined, parts_used: used,
      result_notes: f.notes.value || null, recommendations: f.recommendations.value || null,
      customer_rating: rating, customer_comment: f.comment.value || null,
    }, 'finished');
  } },
  h('h3', {}, t('checklist')),
  ...item.work_order.scope_lines.map((line, i) => h('label', { class: 'row' },
    h('input', { type: 'checkbox', name: 'done' + i, checked: true }),
    h('span', { class: 'grow' }, line.description,
      line.part_id && h('span', { class: 'muted from-van' }, ` · ${t('from_van')}`)),
    h('input', { type: 'number', name: 'qty' + i, value: line.quantity, min: '0', step: '0.1', inputmode: 'decimal', class: 'qty' }))),
  h('h3', {}, t('parts')), parts,
  h('button', { type: 'button', class: 'small', onclick: addPart }, t('add_part')),
  h('label', {}, t('notes'), h('textarea', { name: 'notes', rows: 3 })),
  h('label', {}, t('recommendations'), h('textarea', { name: 'recommendations', rows: 2 })),
  h('h3', {}, t('photos'), ' ', photoCount),
  h('label', { class: 'button', for: 'photo' }, t('add_photo')), photoInput,
  h('h3', {}, t('signature')), pad.canvas, pad.clear,
  h('label', {}, t('rating'), h('select', { name: 'rating' }, h('option', { value: '' }, '—'),
    ...[5, 4, 3, 2, 1].map((n) => h('option', { value: n }, '★'.repeat(n))))),
  h('label', {}, t('comment'), h('textarea', { name: 'comment', rows: 2 })),
  h('button', { type: 'submit', class: 'primary' }, t('finish')),
  h('button', { type: 'button', class: 'danger', onclick: async () => {
    const reason = prompt(t('no_access_why'));
    if (reason) await act(item, 'no-access', { reason }, 'finished');
  } }, t('no_access')));

  const phone = item.on_site_contact && item.on_site_contact.phones[0];
  render(
    h('a', { href: '#', class: 'back' }, t('back')),
    h('article', { class: 'card' },
      h('h2', {}, item.customer_name),
      h('p', {}, `${time(item.visit.planned_start)}–${time(item.visit.planned_end)} · `, h('span', { class: 'status', id: 'status' }, t('status_' + s.status))),
      h('p', {}, `${site.address_line1}, ${site.city}`),
      site.access_notes && h('p', { class: 'note' }, `${t('access')}: ${site.access_notes}`),
      item.work_order.engineer_notes && h('p', { class: 'note' }, item.work_order.engineer_notes),
      ...item.agreements.map((a) => h('p', { class: 'note' }, `${t('promises')}: ${a.text}`)),
      h('div', { class: 'actions' },
        phone && h('a', { class: 'button small', href: 'tel:' + phone }, t('call')),
        h('a', { class: 'button small', href: mapLink(site), target: '_blank', rel: 'noopener' }, t('navigate')))),
    ...briefing(item),
    meterList(item, s.status === 'on_site'),
    s.status === 'booked' && h('button', { class: 'primary', id: 'on-the-way', onclick: () => act(item, 'start-travel', {}, 'en_route') }, t('on_the_way')),
    s.status === 'en_route' && h('button', { class: 'primary', id: 'arrived', onclick: () => act(item, 'arrive', {}, 'on_site') }, t('arrived')),
    s.status === 'on_site' && onSite,
    s.status === 'finished' && h('p', { class: 'card ok', id: 'done' }, t('finished')));
  if (s.status === 'on_site') addPart();
}

function navigate() {
  const m = location.hash.match(/^#visit\/(.+)$/);
  if (!tokens.access) return showLogin();
  if (m) showVisit(m[1]); else showRoute();
}
addEventListener('hashchange', navigate);

if ('serviceWorker' in navigator) navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => {});
showQueue();
if (tokens.access) { showRoute(); loadRoute().then(navigate); } else showLogin();
flush();
