// The office pages' script: forms marked `data-api` are sent as JSON to the
// same /api/v1 the API clients use (the session cookie, with the CSRF token in
// a header), so every rule and every error message is the server's own. The
// dispatch board's blocks can also be dragged; each has a form as well, so the
// keyboard does everything the mouse does.
'use strict';

const CSRF = (document.querySelector('meta[name=csrf-token]') || {}).content || '';
/// The company's time zone: times typed on the pages are company times.
const ZONE = (document.querySelector('meta[name=orderly-timezone]') || {}).content || 'UTC';

/// The zone's UTC offset (`+02:00`) at an instant.
function offsetAt(ms) {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, timeZoneName: 'longOffset' })
    .formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName').value;
  const m = name.match(/GMT([+-]\d{2}):?(\d{2})?/);
  return m ? `${m[1]}:${m[2] || '00'}` : '+00:00';
}
const offsetMinutes = (o) => (o[0] === '-' ? -1 : 1) * (Number(o.slice(1, 3)) * 60 + Number(o.slice(4, 6)));

/// A company-time date and time as RFC 3339 with the zone's offset on that day.
function zoned(date, time) {
  const guess = Date.parse(`${date}T${time}:00Z`);
  const first = offsetAt(guess);
  const offset = offsetAt(guess - offsetMinutes(first) * 60000);
  return `${date}T${time}:00${offset}`;
}

/// One request; a 401 renews the session once and tries again.
async function api(method, url, body) {
  const send = () => fetch(url, {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': CSRF, Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let r = await send();
  if (r.status === 401 && url !== '/office/session') {
    const renewed = await fetch('/office/session', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': CSRF } });
    if (!renewed.ok) { location.href = '/office/login?next=' + encodeURIComponent(location.pathname + location.search); return r; }
    r = await send();
  }
  return r;
}

/// Sets `value` at a path such as `scope_lines[2].quantity` or `engineer_ids[]`.
function put(obj, path, value) {
  const keys = [];
  path.replace(/([^.[\]]+)|\[(\d*)\]/g, (m, name, idx) => { keys.push(name !== undefined ? name : idx === '' ? '' : Number(idx)); });
  let o = obj;
  keys.forEach((k, i) => {
    const last = i === keys.length - 1;
    if (k === '') { if (last) o.push(value); return; }
    if (last) { o[k] = value; return; }
    const next = keys[i + 1];
    if (o[k] === undefined) o[k] = (typeof next === 'number' || next === '') ? [] : {};
    o = o[k];
  });
}

/// A field's value as its `data-type` says; `undefined` leaves it out.
function valueOf(el, form) {
  const type = el.dataset.type || '';
  if (type === 'bool') return el.checked;
  if (el.type === 'checkbox' || el.type === 'radio') return el.checked ? (type === 'json' ? JSON.parse(el.value) : el.value) : undefined;
  if (el.multiple) return Array.from(el.selectedOptions).map((o) => o.value);
  const raw = el.value.trim();
  if (raw === '') return el.dataset.empty === 'null' ? null : undefined;
  switch (type) {
    case 'int': return /^-?\d+$/.test(raw) ? Number(raw) : raw;
    case 'number': { const n = Number(raw.replace(',', '.')); return Number.isFinite(n) ? n : raw; }
    case 'money': { const n = Number(raw.replace(',', '.').replace(/\s/g, '')); return Number.isFinite(n) ? Math.round(n * 100) : raw; }
    case 'list': return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'clock': {
      // A time of day on the form's date (or its date field), in the company's zone.
      const date = form.dataset.date || (form.elements.namedItem('date') || {}).value;
      return /^\d{1,2}:\d{2}$/.test(raw) && date ? zoned(date, raw.padStart(5, '0')) : raw;
    }
    default: return raw;
  }
}

function collect(form) {
  const body = form.dataset.json ? JSON.parse(form.dataset.json) : {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || 'skip' in el.dataset) continue;
    const v = valueOf(el, form);
    if (v !== undefined) put(body, el.name, v);
  }
  // A scope line left blank is no line.
  if (Array.isArray(body.scope_lines)) body.scope_lines = body.scope_lines.filter((l) => l && l.description);
  // A stock line without a quantity (a count left empty) is no line.
  if (Array.isArray(body.lines)) body.lines = body.lines.filter((l) => l && l.quantity !== undefined);
  return body;
}

/// Shows the server's error on the form and marks the field it names.
function showError(form, error) {
  const line = form.querySelector('.form-error');
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  let target = null;
  if (error.field) {
    const base = error.field.replace(/\[\d+\].*$/, '');
    target = form.querySelector(`[name="${CSS.escape(error.field)}"]`) || form.querySelector(`[name="${CSS.escape(base)}"]`)
      || form.querySelector(`[name^="${CSS.escape(base)}["]`);
  }
  const text = (error.field ? error.field + ': ' : '') + (error.message || 'failed');
  if (line) line.textContent = text; else alert(text);
  if (target) { target.setAttribute('aria-invalid', 'true'); target.focus(); }
}

async function submit(form, extra, submitter) {
  // A button may send the form elsewhere (a preview, a reset): its data-* win.
  const opts = Object.assign({}, form.dataset, submitter ? submitter.dataset : {});
  if (opts.confirm && !confirm(opts.confirm)) return;
  const button = form.querySelector('[type=submit]');
  if (button) button.disabled = true;
  try {
    // The button's own `data-json` (a dry run) is laid over the form's fields.
    const own = submitter && submitter.dataset.json ? JSON.parse(submitter.dataset.json) : {};
    const body = Object.assign(collect(form), own, extra || {});
    const method = opts.method || 'POST';
    const r = await api(method, opts.api, method === 'GET' || 'skipBody' in opts ? undefined : body);
    const text = await r.text();
    let data = {};
    try { data = text ? JSON.parse(text) : {}; } catch (e) { data = {}; }
    if (!r.ok) {
      const error = data.error || { message: r.status + ' ' + r.statusText };
      // A clash the administrator may overrule: offer to book anyway.
      if (r.status === 409 && opts.force !== undefined && !(extra && extra.force)) {
        if (confirm(error.message + '\n\n' + opts.force)) return submit(form, Object.assign({}, extra, { force: true }), submitter);
      }
      showError(form, error);
      return;
    }
    if (opts.result) {
      const out = document.querySelector(opts.result);
      // `data-ok` may name fields of the answer: "{reachable} of {customers}".
      out.textContent = opts.ok && opts.ok.includes('{')
        ? opts.ok.replace(/\{(\w+)\}/g, (_, k) => (data[k] ?? ''))
        : (data.subject ? data.subject + '\n\n' : '') + (data.body || opts.ok || 'OK');
      return;
    }
    const next = opts.next;
    if (next) location.href = next.replace('{id}', encodeURIComponent(data.id || (data.work_order && data.work_order.id) || ''));
    else location.reload();
  } catch (e) {
    showError(form, { message: String(e) });
  } finally {
    if (button) button.disabled = false;
  }
}

document.addEventListener('submit', (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.api) return;
  ev.preventDefault();
  submit(form, undefined, ev.submitter);
});

// Adds a blank scope line to a lines table (the last row is the template).
document.addEventListener('click', (ev) => {
  const add = ev.target.closest('[data-add-line]');
  if (!add) return;
  const body = document.querySelector(add.dataset.addLine);
  const rows = body.querySelectorAll('tr');
  const copy = rows[rows.length - 1].cloneNode(true);
  const n = rows.length;
  copy.querySelectorAll('input, select').forEach((el) => { el.name = el.name.replace(/\[\d+\]/, `[${n}]`); el.value = ''; });
  body.append(copy);
  copy.querySelector('input').focus();
});

// The dispatch board: drop a visit's block, or a waiting order, on an
// engineer's lane at a time; the item's own form (move or book) is filled in
// and sent, so dragging does exactly what the keyboard's form does.
const board = document.querySelector('.board[data-date]');
if (board) {
  const startMin = Number(board.dataset.from), span = Number(board.dataset.span);
  let dragged = null;
  document.addEventListener('dragstart', (ev) => {
    dragged = ev.target.closest ? ev.target.closest('[draggable][data-form]') : null;
    if (dragged) ev.dataTransfer.setData('text/plain', dragged.dataset.form);
  });
  board.addEventListener('dragover', (ev) => {
    const track = ev.target.closest('.track');
    if (track && dragged) { ev.preventDefault(); track.classList.add('over'); }
  });
  board.addEventListener('dragleave', (ev) => { const t = ev.target.closest('.track'); if (t) t.classList.remove('over'); });
  board.addEventListener('drop', async (ev) => {
    const track = ev.target.closest('.track');
    if (!track || !dragged) return;
    ev.preventDefault();
    track.classList.remove('over');
    const box = track.getBoundingClientRect();
    let minute = startMin + Math.round(((ev.clientX - box.left) / box.width) * span / 15) * 15;
    minute = Math.max(startMin, Math.min(minute, startMin + span - 15));
    const hhmm = (m) => String(Math.floor(m / 60)).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0');
    const form = document.getElementById(dragged.dataset.form);
    form.querySelector('[name=engineer_id]').value = track.dataset.engineer;
    form.querySelector('[name=start]').value = hhmm(minute);
    form.querySelector('[name=end]').value = hhmm(minute + Number(dragged.dataset.minutes));
    dragged = null;
    submit(form);
  });
}

// For the browser tests: how a form is read.
window.orderlyOffice = { put, collect };
