// The locker page: a listener's library, Music folder, downloads and player, on the listener
// API (/v1/me/…) alone. Plain modules, no framework; everything the page shows comes from the API.

const $ = (selector) => document.querySelector(selector);
const el = (tag, props = {}, ...children) => {
  const { dataset = {}, ariaLabel, role, ...rest } = props;
  const node = Object.assign(document.createElement(tag), rest);
  Object.assign(node.dataset, dataset);
  if (ariaLabel !== undefined) node.setAttribute('aria-label', ariaLabel);
  if (role !== undefined) node.setAttribute('role', role);
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
};

let config;
let token = sessionStorage.getItem('trackdrop.token');
let user = sessionStorage.getItem('trackdrop.user');
let items = [];
let sort = { key: 'artist', dir: 1 };
let pollTimer;
let playing;
/** Finished tracks per session at the last poll. */
const seen = new Map();

class SignedOut extends Error {}

async function api(path, init = {}) {
  const res = await fetch(`${config.apiUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
  });
  if (res.status === 401) {
    signOut('Your sign-in expired; sign in again.');
    throw new SignedOut();
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error?.message ?? body.message ?? `HTTP ${res.status}`);
  return body;
}

const itemPath = (item) => `/v1/me/library/${encodeURIComponent(item.storeId)}/${item.serviceTrackId}`;
const itemId = (item) => `${item.storeId}/${item.serviceTrackId}`;

async function signIn(userId) {
  const res = await fetch(`${config.issuerUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error_description ?? 'sign-in failed');
  token = body.access_token;
  user = userId;
  sessionStorage.setItem('trackdrop.token', token);
  sessionStorage.setItem('trackdrop.user', user);
  await showLocker();
}

function signOut(message = '') {
  token = null;
  user = null;
  sessionStorage.removeItem('trackdrop.token');
  sessionStorage.removeItem('trackdrop.user');
  clearTimeout(pollTimer);
  clearTimeout(erasureTimer);
  $('#audio').pause();
  $('#locker').hidden = true;
  $('#sign-out').hidden = true;
  $('#sign-in').hidden = false;
  $('#who').textContent = '';
  $('#sign-in-error').textContent = message;
}

async function showLocker() {
  $('#sign-in').hidden = true;
  $('#locker').hidden = false;
  $('#sign-out').hidden = false;
  $('#who').textContent = `Signed in as ${user}`;
  seen.clear();
  $('#erasure').textContent = '';
  $('#erasure-progress').hidden = true;
  $('#erase').disabled = false;
  // Only a page that asked for an erasure looks for one (none answers 404, which a console shows).
  const asked = sessionStorage.getItem('trackdrop.erasure') === user;
  await Promise.all([loadLibrary(), pollDownloads(), asked ? pollErasure() : undefined]);
}

async function loadLibrary() {
  const all = [];
  let next;
  do {
    const page = await api(`/v1/me/library?limit=500${next ? `&next=${encodeURIComponent(next)}` : ''}`);
    all.push(...page.items);
    next = page.next;
  } while (next);
  items = all;
  renderTree();
  renderTable();
}

// ---- Music folder ---------------------------------------------------------------------------

function renderTree() {
  const root = `users/${user}/Music/`;
  const artists = new Map();
  for (const item of items) {
    const [artist = '', album = '', ...rest] = item.key.slice(root.length).split('/');
    const albums = artists.get(artist) ?? new Map();
    artists.set(artist, albums);
    const list = albums.get(album) ?? [];
    albums.set(album, list);
    list.push({ item, file: rest.join('/') });
  }
  const tree = $('#tree');
  tree.replaceChildren();
  for (const [artist, albums] of [...artists].sort(([a], [b]) => a.localeCompare(b))) {
    const albumList = el('ul');
    for (const [album, files] of [...albums].sort(([a], [b]) => a.localeCompare(b))) {
      files.sort((a, b) => a.file.localeCompare(b.file));
      const withCover = files.find((f) => f.item.coverKey);
      const cover = withCover
        ? el('img', { alt: `Cover of ${album}`, width: 64, height: 64, className: 'cover', loading: 'lazy' })
        : el('span', { className: 'no-cover', role: 'img', ariaLabel: `No cover for ${album}` }, '♪');
      if (withCover) {
        api(`${itemPath(withCover.item)}/url?part=cover`).then(
          (u) => (cover.src = u.url),
          () => undefined,
        );
      }
      const fileList = el('ul');
      for (const { item, file } of files) {
        fileList.append(
          el(
            'li',
            { className: 'file', dataset: { title: item.title ?? file } },
            el(
              'button',
              { type: 'button', ariaLabel: `Play ${item.title ?? file}`, onclick: () => play(item) },
              `▶ ${file}`,
            ),
          ),
        );
      }
      albumList.append(
        el(
          'li',
          {},
          el(
            'details',
            { open: true },
            el('summary', {}, el('span', { className: 'album' }, cover, el('span', {}, album))),
            fileList,
          ),
        ),
      );
    }
    tree.append(el('li', {}, el('details', { open: true }, el('summary', {}, artist), albumList)));
  }
  if (items.length === 0) tree.append(el('li', {}, 'Your Music folder is empty.'));
}

// ---- Library table --------------------------------------------------------------------------

const duration = (s) => (s === undefined ? '' : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`);
const size = (b) => (b >= 1048576 ? `${(b / 1048576).toFixed(1)} MB` : `${Math.ceil(b / 1024)} kB`);

function renderTable() {
  const rows = [...items].sort((a, b) => {
    const x = a[sort.key];
    const y = b[sort.key];
    if (x === y) return (a.trackNumber ?? 0) - (b.trackNumber ?? 0);
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * sort.dir;
  });
  for (const th of document.querySelectorAll('#library th[aria-sort]')) {
    const key = th.querySelector('button').dataset.sort;
    th.setAttribute('aria-sort', key === sort.key ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none');
  }
  $('#count').textContent = `(${items.length})`;
  $('#library tbody').replaceChildren(
    ...rows.map((item) =>
      el(
        'tr',
        { dataset: { id: itemId(item) }, className: playing === itemId(item) ? 'playing' : '' },
        el('td', {}, item.title ?? item.fileName),
        el('td', {}, item.artist ?? ''),
        el('td', {}, item.album ?? ''),
        el('td', { className: 'num' }, item.trackNumber === undefined ? '' : String(item.trackNumber)),
        el('td', { className: 'num' }, duration(item.durationSeconds)),
        el('td', { className: 'num' }, size(item.bytes)),
        el('td', {}, item.storeId),
        el(
          'td',
          {},
          el(
            'button',
            { type: 'button', ariaLabel: `Play ${item.title ?? item.fileName}`, onclick: () => play(item) },
            '▶',
          ),
          ' ',
          el('button', { type: 'button', ariaLabel: `Download ${item.fileName}`, onclick: () => download(item) }, '⬇'),
        ),
      ),
    ),
  );
}

function sortBy(key) {
  sort = { key, dir: sort.key === key ? -sort.dir : 1 };
  renderTable();
}

// ---- Player and downloads -------------------------------------------------------------------

async function play(item) {
  const { url } = await api(`${itemPath(item)}/url`);
  const audio = $('#audio');
  audio.src = url;
  playing = itemId(item);
  $('#now-playing').textContent = `${item.title ?? item.fileName} — ${item.artist ?? ''}`;
  for (const tr of document.querySelectorAll('#library tbody tr'))
    tr.classList.toggle('playing', tr.dataset.id === playing);
  await audio.play();
}

async function download(item) {
  const { url } = await api(`${itemPath(item)}/url?disposition=attachment`);
  el('a', { href: url, download: item.fileName }).click();
}

async function pollDownloads() {
  clearTimeout(pollTimer);
  let sessions = [];
  try {
    sessions = (await api('/v1/me/downloads?limit=10')).sessions;
  } catch (err) {
    if (err instanceof SignedOut) return;
  }
  const list = $('#downloads');
  list.replaceChildren(
    ...sessions.map((s) => {
      const done = s.total - s.counts.queued - s.counts.stored;
      const percent = s.total === 0 ? 100 : Math.round((done / s.total) * 100);
      const label = `${s.storeId}, ${new Date(s.createdAt).toLocaleString()}`;
      return el(
        'li',
        { dataset: { id: s.id, percent: String(percent) } },
        el('span', {}, label),
        el('progress', { max: Math.max(s.total, 1), value: s.total === 0 ? 1 : done, ariaLabel: `Download ${label}` }),
        el(
          'span',
          { className: 'percent' },
          `${done}/${s.total} · ${percent} %${s.counts.failed ? ` · ${s.counts.failed} failed` : ''}`,
        ),
      );
    }),
  );
  $('#no-downloads').hidden = sessions.length > 0;
  // Tracks that finished since the last look are in the library now: show them.
  let changed = false;
  for (const s of sessions) {
    const done = s.total - s.counts.queued - s.counts.stored;
    if (seen.get(s.id) !== done) changed = true;
    seen.set(s.id, done);
  }
  if (changed) await loadLibrary().catch(() => undefined);
  if (token) pollTimer = setTimeout(pollDownloads, sessions.some((s) => s.inProgress) ? 1000 : 4000);
}

// ---- Erasure --------------------------------------------------------------------------------

/** The API's steps, in order: the progress bar moves one step at a time. */
const erasureSteps = ['cancel', 'settle', 'licenses', 'objects', 'versions', 'library', 'downloads', 'notify', 'done'];
const CONFIRMATION = 'erase my library';
let erasureTimer;

function showErasure(e) {
  const r = e.removed;
  const removed = `${r.objects} files, ${r.libraryItems} library entries, ${r.licenses} licenses`;
  $('#erasure').textContent =
    e.state === 'erased'
      ? `Erased on ${new Date(e.finishedAt).toLocaleString()}: ${removed}. ${e.stores} store(s) told.`
      : `Erasing (${e.phase})… ${removed} so far.`;
  const bar = $('#erasure-progress');
  bar.hidden = false;
  bar.value = erasureSteps.indexOf(e.phase);
  $('#erase').disabled = true;
}

/** Shows the listener's erasure; while it runs, looks again every second. */
async function pollErasure() {
  clearTimeout(erasureTimer);
  const e = await api('/v1/me/erasure').catch(() => undefined);
  if (!e) return;
  showErasure(e);
  if (e.state === 'erased') {
    items = [];
    renderTree();
    renderTable();
    return;
  }
  if (token) erasureTimer = setTimeout(pollErasure, 1000);
}

async function erase() {
  const e = await api('/v1/me', { method: 'DELETE', body: JSON.stringify({ confirm: CONFIRMATION }) });
  sessionStorage.setItem('trackdrop.erasure', user);
  showErasure(e);
  await pollErasure();
}

function wireErasure() {
  const dialog = $('#erase-dialog');
  $('#erase').addEventListener('click', () => {
    $('#erase-confirm').value = '';
    dialog.showModal();
  });
  $('#erase-cancel').addEventListener('click', () => dialog.close());
  $('#erase-form').addEventListener('submit', (ev) => {
    if ($('#erase-confirm').value.trim().toLowerCase() !== CONFIRMATION) {
      ev.preventDefault();
      $('#erase-confirm').setCustomValidity(`Type "${CONFIRMATION}" to confirm.`);
      $('#erase-confirm').reportValidity();
      return;
    }
    erase().catch((err) => ($('#erasure').textContent = `Could not erase: ${err.message}`));
  });
  $('#erase-confirm').addEventListener('input', () => $('#erase-confirm').setCustomValidity(''));
}

// ---- Start ----------------------------------------------------------------------------------

async function start() {
  config = await (await fetch('/config.json')).json();
  $('#users').replaceChildren(...config.users.map((u) => el('option', { value: u })));
  $('#user').value = config.users[0] ?? '';
  $('#sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    $('#sign-in-error').textContent = '';
    signIn($('#user').value.trim()).catch((err) => ($('#sign-in-error').textContent = err.message));
  });
  $('#sign-out').addEventListener('click', () => signOut());
  wireErasure();
  for (const b of document.querySelectorAll('#library th button'))
    b.addEventListener('click', () => sortBy(b.dataset.sort));
  if (token && user) await showLocker().catch(() => undefined);
}

// Without /config.json there is no locker to show: that failure is left to the browser's console.
void start();
