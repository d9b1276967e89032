// Operator console: sources, devices whose last run failed, and live updates from the change feed.
// Plain browser JavaScript, no build step. Vendor-provided text only ever reaches the page through
// textContent, never as markup.

const API = 'api/v1/'; // relative: the console also works behind a path prefix
const TOKEN_KEY = 'taskruns.token';
const FAILING_CAP = 5000; // /last-runs pages read at most, so a huge outage cannot freeze the tab
const ROWS_SHOWN = 500;
const SOURCES_EVERY_MS = 10_000;
const SILENT_STREAM_MS = 45_000; // the feed sends a comment at least every 15 s
const MAX_BACKOFF_MS = 30_000;

const $ = id => document.getElementById(id);

/** A 401 or 403: the token is missing, invalid or lacks the role. */
class AuthProblem extends Error {
    constructor(status) {
        super(status === 403 ? 'This token lacks the role taskruns-read.' : 'The service wants a valid token.');
    }
}

let session = null; // the running console; replaced when a new token is given

async function api(path, options = {}) {
    const headers = {Accept: 'application/json', ...options.headers};
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
        headers.Authorization = 'Bearer ' + token;
    }
    const response = await fetch(API + path, {...options, headers, cache: 'no-store'});
    if (response.status === 401 || response.status === 403) {
        throw new AuthProblem(response.status);
    }
    return response;
}

async function json(path, signal) {
    const response = await api(path, {signal});
    if (!response.ok) {
        throw new Error(`${path.split('?')[0]}: HTTP ${response.status}`);
    }
    return response.json();
}

// ---- formatting -----------------------------------------------------------------------------------

const relative = new Intl.RelativeTimeFormat(undefined, {numeric: 'auto'});

function ago(iso) {
    if (!iso) {
        return 'never';
    }
    const seconds = (Date.parse(iso) - Date.now()) / 1000;
    for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]]) {
        if (Math.abs(seconds) >= size) {
            return relative.format(Math.round(seconds / size), unit);
        }
    }
    return relative.format(Math.round(seconds), 'second');
}

/** The run's error as one line: ESET sends {"@type", "error": {"message"}}, Alibaba {code, message, tip}. */
function errorText(error) {
    if (error == null) {
        return '';
    }
    if (typeof error !== 'object') {
        return String(error);
    }
    const inner = typeof error.error === 'object' && error.error !== null ? error.error : {};
    const parts = [error.code ?? inner.code, error.message ?? inner.message, error.tip]
        .filter(part => part != null && part !== '');
    return parts.length ? parts.join(' · ') : JSON.stringify(error);
}

function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text != null) {
        node.textContent = text;
    }
    if (className) {
        node.className = className;
    }
    return node;
}

/** A table cell labelled for the one-column phone layout (console.css). */
function cell(label, content) {
    const td = el('td');
    td.dataset.label = label;
    td.append(content ?? '');
    return td;
}

function time(iso) {
    const node = el('time', ago(iso));
    if (iso) {
        node.dateTime = iso;
        node.title = iso;
    }
    return node;
}

const runKey = run => run.source + '\u0000' + run.deviceId;
const runIdKey = run => run.source + '\u0000' + run.runId;

// ---- sources --------------------------------------------------------------------------------------

const SVG = 'http://www.w3.org/2000/svg';

/**
 * Runs written by each recent cycle, oldest left, on a log scale (a backfill writes thousands, later
 * cycles a handful); failed cycles as full-height red bars, cut-off ones pale.
 */
function sparkline(cycles) {
    const width = 100, height = 28, gap = 1;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('class', 'spark');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'runs written per cycle');
    const max = Math.max(1, ...cycles.map(c => c.runsWritten ?? 0));
    const bar = width / Math.max(cycles.length, 20);
    const left = width - cycles.length * bar; // the newest at the right edge
    [...cycles].reverse().forEach((cycle, i) => {
        const isFailed = cycle.outcome === 'FAILED';
        const h = isFailed ? height : Math.max(2, Math.round(Math.log1p(cycle.runsWritten ?? 0) / Math.log1p(max) * height));
        const rect = document.createElementNS(SVG, 'rect');
        rect.setAttribute('x', String(left + i * bar));
        rect.setAttribute('y', String(height - h));
        rect.setAttribute('width', String(Math.max(1, bar - gap)));
        rect.setAttribute('height', String(h));
        rect.setAttribute('class', isFailed ? 'failed' : cycle.outcome === 'SUCCEEDED' ? 'ok' : 'cut');
        const title = document.createElementNS(SVG, 'title');
        title.textContent = `${cycle.startedAt}: ${cycle.outcome}, ${cycle.runsWritten ?? 0} runs written`
            + (cycle.error ? ` (${cycle.error})` : '');
        rect.append(title);
        svg.append(rect);
    });
    return svg;
}

function sourceCard(source, cycles) {
    const card = el('article', null, 'source');
    card.dataset.sourceId = source.id;
    card.dataset.state = source.state;
    const head = el('div', null, 'source-head');
    head.append(el('h3', source.id), el('span', source.vendor, 'vendor'),
        el('span', source.enabled ? source.state : 'DISABLED', 'state'));
    const facts = el('dl');
    const fact = (name, value) => {
        const dd = el('dd');
        dd.append(value);
        facts.append(el('dt', name), dd);
    };
    fact('Last success', time(source.lastSyncSucceededAt));
    fact('Last start', time(source.lastSyncStartedAt));
    fact('Runs stored', source.runsStored.toLocaleString());
    if (cycles?.length) {
        const failed = cycles.filter(c => c.outcome === 'FAILED').length;
        const recent = el('span', null, 'cycles');
        recent.append(sparkline(cycles), el('span', `${cycles.length}, ${failed} failed`, 'count'));
        fact('Recent cycles', recent);
    }
    card.append(head, facts);
    if (source.lastError) {
        card.append(el('p', source.lastError, 'error'));
    }
    return card;
}

// ---- the console ----------------------------------------------------------------------------------

class Console {
    constructor() {
        this.stopped = new AbortController();
        this.failing = new Map(); // runKey -> the device's last run, FAILED
        this.runIds = new Map(); // runIdKey -> runKey of every entry, to find a run that moved
        this.truncated = false;
        this.loading = null; // changes seen while the failing list loads, applied after it
        this.lastEventId = null;
        this.knownSources = new Set();
        this.renderQueued = false;
    }

    get signal() {
        return this.stopped.signal;
    }

    stop() {
        this.stopped.abort();
        clearInterval(this.sourcesTimer);
    }

    start() {
        $('console').hidden = false;
        this.refreshSources();
        this.sourcesTimer = setInterval(() => {
            this.refreshSources();
            this.render(); // the failing list's "n minutes ago"
        }, SOURCES_EVERY_MS);
        this.stream();
    }

    /** Any failure: a token problem asks for a token; anything else is shown until the next success. */
    fail(error) {
        if (this.signal.aborted || error.name === 'AbortError') {
            return;
        }
        if (error instanceof AuthProblem) {
            askForToken(error.message);
            return;
        }
        $('problem').textContent = error.message;
        $('problem').hidden = false;
    }

    async refreshSources() {
        try {
            const sources = await json('sources', this.signal);
            const cycles = await Promise.all(sources.map(s => this.cycles(s.id)));
            $('problem').hidden = true;
            $('sources').replaceChildren(...sources.map((s, i) => sourceCard(s, cycles[i])));
            this.sourceOptions(sources);
        } catch (error) {
            this.fail(error);
        }
    }

    /** The source's last 20 finished cycles; none (no sparkline) when they cannot be read. */
    async cycles(id) {
        const response = await api(`sources/${encodeURIComponent(id)}/cycles?limit=20`, {signal: this.signal});
        return response.ok ? (await response.json()).items : null;
    }

    sourceOptions(sources) {
        const select = $('filter-source');
        for (const source of sources) {
            if (!this.knownSources.has(source.id)) {
                this.knownSources.add(source.id);
                select.append(Object.assign(el('option', source.id), {value: source.id}));
            }
        }
    }

    filters() {
        return {source: $('filter-source').value, vendor: $('filter-vendor').value};
    }

    matches(run) {
        const {source, vendor} = this.filters();
        return (!source || run.source === source) && (!vendor || run.vendor === vendor);
    }

    /** Every device whose last run failed (up to the cap), read page by page: /last-runs is keyed by source and device. */
    async loadFailing() {
        const load = this.loading = [];
        try {
            const {source, vendor} = this.filters();
            const runs = [];
            let cursor = null;
            do {
                const query = new URLSearchParams({status: 'FAILED', limit: '1000'});
                if (source) query.set('source', source);
                if (vendor) query.set('vendor', vendor);
                if (cursor) query.set('cursor', cursor);
                const page = await json('last-runs?' + query, this.signal);
                runs.push(...page.items);
                cursor = page.nextCursor;
            } while (cursor && runs.length < FAILING_CAP);
            if (this.loading !== load) {
                return; // the filters changed meanwhile: a newer load owns the list
            }
            this.failing = new Map();
            this.runIds = new Map();
            runs.forEach(run => this.put(run));
            this.truncated = cursor != null;
            this.loading = null;
            load.forEach(change => this.apply(change, true));
            this.render();
        } catch (error) {
            if (this.loading === load) {
                this.loading = null;
            }
            this.fail(error);
        }
    }

    /**
     * A change of a device's last run: failed moves it to the top, anything else takes it off the list.
     * A run that moved to another device id (Alibaba: EntityType:EntityName, later the EntityUuid) takes
     * its old device's entry with it: the feed has no change for the device it left.
     */
    apply(change, fresh) {
        if (this.loading) {
            this.loading.push(change);
            return;
        }
        const run = change.run;
        if (!run || !this.matches(run)) {
            return;
        }
        const key = runKey(run);
        const left = this.runIds.get(runIdKey(run));
        let changed = left !== undefined && left !== key && this.remove(left);
        if (run.status === 'FAILED') {
            this.put({...run, fresh});
            changed = true;
        } else {
            changed = this.remove(key) || changed;
        }
        if (changed && !this.renderQueued) {
            this.renderQueued = true;
            requestAnimationFrame(() => this.render());
        }
    }

    put(run) {
        const key = runKey(run);
        this.remove(key);
        this.failing.set(key, run);
        this.runIds.set(runIdKey(run), key);
    }

    /** Takes a device off the list; whether it was on it. */
    remove(key) {
        const entry = this.failing.get(key);
        if (entry === undefined) {
            return false;
        }
        this.failing.delete(key);
        this.runIds.delete(runIdKey(entry));
        return true;
    }

    render() {
        this.renderQueued = false;
        const runs = [...this.failing.values()].sort((a, b) =>
            b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
        const rows = runs.slice(0, ROWS_SHOWN).map(run => {
            const row = el('tr', null, run.fresh ? 'fresh' : null);
            row.dataset.deviceId = run.deviceId;
            row.dataset.source = run.source;
            const link = el('a', run.deviceName ?? run.deviceId);
            link.href = '#device=' + encodeURIComponent(run.deviceId) + '&source=' + encodeURIComponent(run.source);
            link.title = run.deviceId;
            const source = el('span', run.source);
            source.append(' ', el('span', run.vendor, 'vendor'));
            row.append(cell('Device', link), cell('Source', source), cell('Task', run.taskName ?? run.taskId),
                cell('Started', time(run.startedAt)), cell('Error', el('span', errorText(run.error), 'error')));
            delete run.fresh; // highlighted once
            return row;
        });
        $('failing').replaceChildren(...rows);
        const more = this.truncated ? '+' : '';
        $('failing-count').textContent = runs.length > ROWS_SHOWN
            ? `(newest ${ROWS_SHOWN} of ${runs.length}${more})` : `(${runs.length}${more})`;
        $('failing-empty').hidden = runs.length > 0;
    }

    /**
     * The change feed, read with fetch (EventSource cannot send a bearer token): reconnects with
     * back-off and resumes after the last event seen; the failing list is read once the first
     * stream is open, so no change falls between the two.
     */
    async stream() {
        let backoff = 1000;
        let reload = true;
        let listedWithoutFeed = false;
        while (!this.signal.aborted) {
            const silence = new AbortController();
            const signal = AbortSignal.any([this.signal, silence.signal]);
            let watchdog = null;
            const heard = () => {
                clearTimeout(watchdog);
                watchdog = setTimeout(() => silence.abort(), SILENT_STREAM_MS);
            };
            try {
                const headers = {Accept: 'text/event-stream'};
                if (this.lastEventId != null) {
                    headers['Last-Event-ID'] = this.lastEventId;
                }
                const response = await api(this.lastEventId == null ? 'changes?since=now' : 'changes',
                    {headers, signal});
                if (response.status === 410) { // resume point past the retention: start over at the present
                    this.lastEventId = null;
                    reload = true;
                    continue;
                }
                if (!response.ok) {
                    throw new Error(`HTTP ${response.status}`);
                }
                feedState('live');
                backoff = 1000;
                if (reload) {
                    reload = false;
                    this.loadFailing();
                }
                heard();
                await readEvents(response.body, heard, event => {
                    this.lastEventId = event.id ?? this.lastEventId;
                    if (event.data != null) { // the opening block carries only the stream's start as id
                        this.apply(JSON.parse(event.data), true);
                    }
                });
                feedState('reconnecting', 'the stream ended');
            } catch (error) {
                if (error instanceof AuthProblem || this.signal.aborted) {
                    this.fail(error);
                    return;
                }
                feedState('reconnecting', silence.signal.aborted ? 'the stream went silent' : error.message);
            } finally {
                clearTimeout(watchdog);
            }
            if (this.lastEventId == null) {
                // no event yet, so no resume point: the next stream starts at the present again, and
                // a change between the two streams would be missed without reading the list again
                reload = true;
            }
            if (reload && !listedWithoutFeed) { // no feed yet: show the list anyway, read again once it opens
                listedWithoutFeed = true;
                this.loadFailing();
            }
            await new Promise(resolve => setTimeout(resolve, backoff));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }
}

/** Server-Sent Events from a fetch body: data lines joined, the id kept (alone too), comments (heartbeats) only heard. */
async function readEvents(body, heard, dispatch) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let data = [];
    let id;
    for (;;) {
        const {value, done} = await reader.read();
        if (done) {
            return;
        }
        heard();
        buffer += value;
        const lines = buffer.split(/\r\n|\r|\n/);
        buffer = lines.pop(); // an unfinished line waits for the next chunk
        for (const line of lines) {
            if (line === '') {
                if (data.length || id !== undefined) {
                    dispatch({id, data: data.length ? data.join('\n') : null});
                }
                data = [];
                id = undefined;
            } else if (!line.startsWith(':')) {
                const colon = line.indexOf(':');
                const field = colon < 0 ? line : line.slice(0, colon);
                const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
                if (field === 'data') {
                    data.push(text);
                } else if (field === 'id') {
                    id = text;
                }
            }
        }
    }
}

function feedState(state, detail) {
    $('feed').dataset.state = state;
    $('feed').textContent = state;
    $('feed').title = detail ?? '';
}

// ---- device history -------------------------------------------------------------------------------

async function showHistory() {
    const params = new URLSearchParams(location.hash.slice(1));
    const deviceId = params.get('device');
    const dialog = $('history');
    if (!deviceId) {
        if (dialog.open) dialog.close();
        return;
    }
    $('history-device').textContent = deviceId;
    $('history-runs').replaceChildren();
    if (!dialog.open) dialog.showModal();
    const query = new URLSearchParams({limit: '50'});
    if (params.get('source')) query.set('source', params.get('source'));
    await historyPage(deviceId, query);
}

async function historyPage(deviceId, query) {
    const more = $('history-more');
    more.hidden = true;
    try {
        const page = await json(`devices/${encodeURIComponent(deviceId)}/runs?` + query);
        const first = page.items[0];
        if (first?.deviceName && !query.has('cursor')) {
            $('history-device').textContent = `${first.deviceName} (${deviceId})`;
        }
        $('history-runs').append(...page.items.map(run => {
            const row = el('tr', null, 'status-' + run.status.toLowerCase());
            row.append(cell('Started', time(run.startedAt)), cell('Status', el('span', run.status, 'status')),
                cell('Source', run.source), cell('Task', run.taskName ?? run.taskId),
                cell('Error', el('span', errorText(run.error), 'error')));
            return row;
        }));
        if (page.nextCursor) {
            more.hidden = false;
            more.onclick = () => {
                query.set('cursor', page.nextCursor);
                historyPage(deviceId, query);
            };
        }
    } catch (error) {
        session?.fail(error);
    }
}

// ---- token ----------------------------------------------------------------------------------------

function askForToken(reason) {
    session?.stop();
    session = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('console').hidden = true;
    $('problem').hidden = true;
    $('forget-token').hidden = true;
    if ($('history').open) $('history').close();
    $('token-reason').textContent = reason + ' Paste a bearer token with the role taskruns-read.';
    $('token-form').hidden = false;
    feedState('signed out');
    $('token').focus();
}

function begin() {
    session?.stop();
    $('token-form').hidden = true;
    $('forget-token').hidden = !sessionStorage.getItem(TOKEN_KEY);
    session = new Console();
    session.start();
    showHistory();
}

$('token-form').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    begin();
});
$('forget-token').addEventListener('click', () => askForToken('Token forgotten.'));
for (const id of ['filter-source', 'filter-vendor']) {
    $(id).addEventListener('change', () => session?.loadFailing());
}
$('history-close').addEventListener('click', () => $('history').close());
$('history').addEventListener('close', () => {
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
});
window.addEventListener('hashchange', showHistory);

begin();
