/// The usage dashboard (`GET /ui`): one page, with its styles and script inline, that reads the
/// JSON API (`/api/usage`, `/api/targets`, `/api/requests`, `/api/status`) from the same origin.
///
/// Nothing is fetched from elsewhere (no CDN, no fonts, no images). Every value from the API is set
/// with `textContent` or `setAttribute`, never parsed as HTML: model and key names come from clients.
/// For tests, the page sets `document.body.dataset.state` to `ready`, `login` or `error`; the totals
/// carry their raw numbers in `data-value`, and every table row its name in `data-key`.
enum DashboardPage {
    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>anthropic-proxy usage</title>
    <style>
    :root { --bg: #f6f7f9; --fg: #1c1d21; --muted: #6a6d76; --card: #fff; --border: #e1e3e8; --stripe: #f9fafb;
      --c1: #3a6fd8; --c2: #9a5fd6; --c3: #27a08f; --err: #c62828; --errbg: #fdecea; --warn: #a86400; }
    @media (prefers-color-scheme: dark) {
      :root { --bg: #131418; --fg: #e7e8eb; --muted: #9699a3; --card: #1c1d23; --border: #2d2f37; --stripe: #202128;
        --c1: #6096f2; --c2: #b58cf0; --c3: #3fc2ae; --err: #ff7070; --errbg: #3b1f22; --warn: #e0a040; }
    }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    main, header { max-width: 1240px; margin: 0 auto; padding: 0 20px; }
    header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 18px; padding-top: 18px; padding-bottom: 6px; }
    h1 { font-size: 20px; margin: 0; }
    h2 { font-size: 15px; margin: 0 0 10px; }
    .meta, .muted, .sub { color: var(--muted); }
    .meta a { color: inherit; }
    section { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 14px 16px; margin: 14px 0; }
    .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 14px 0; }
    .card { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 12px 14px; }
    .card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
    .card .value { display: block; font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; margin-top: 2px; }
    .card .sub { font-size: 12px; }
    .row { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 8px; }
    .toggle button { font: inherit; font-size: 13px; color: var(--fg); background: transparent; border: 1px solid var(--border); padding: 3px 12px; cursor: pointer; }
    .toggle button:first-child { border-radius: 6px 0 0 6px; } .toggle button:last-child { border-radius: 0 6px 6px 0; border-left: 0; }
    .toggle button[aria-pressed="true"] { background: var(--c1); border-color: var(--c1); color: #fff; }
    .legend { display: flex; gap: 14px; font-size: 12px; color: var(--muted); min-height: 18px; margin: 4px 0; }
    .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
    svg { display: block; width: 100%; height: auto; max-height: 340px; }
    svg text { font-family: inherit; font-size: 10px; }
    .vlab { fill: var(--fg); text-anchor: middle; } .xlab { fill: var(--muted); text-anchor: middle; } .ylab { fill: var(--muted); text-anchor: end; }
    .grid { stroke: var(--border); } .axis { stroke: var(--muted); }
    .bar.cost, .bar.in, .swatch-in { fill: var(--c1); background: var(--c1); }
    .bar.out, .swatch-out { fill: var(--c2); background: var(--c2); } .bar.cache, .swatch-cache { fill: var(--c3); background: var(--c3); }
    g.day:hover rect { opacity: .75; }
    .scroll { overflow-x: auto; }
    table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
    th, td { padding: 5px 8px; text-align: left; white-space: nowrap; border-bottom: 1px solid var(--border); }
    th { font-size: 12px; color: var(--muted); font-weight: 600; }
    td.num, th.num { text-align: right; }
    tbody tr:nth-child(even) { background: var(--stripe); }
    td.name { max-width: 340px; overflow: hidden; text-overflow: ellipsis; }
    .err { color: var(--err); font-weight: 600; } .warn { color: var(--warn); }
    tr.failed { background: var(--errbg) !important; }
    .message { background: var(--errbg); color: var(--err); border-radius: 8px; padding: 10px 14px; margin: 14px 0; }
    #login-view { max-width: 420px; }
    #login label { display: block; margin-bottom: 6px; }
    #login input { font: inherit; width: 100%; padding: 7px 9px; border: 1px solid var(--border); border-radius: 6px; background: var(--bg); color: var(--fg); }
    #login button { font: inherit; margin-top: 10px; padding: 6px 16px; border: 0; border-radius: 6px; background: var(--c1); color: #fff; cursor: pointer; }
    [hidden] { display: none !important; }
    </style>
    </head>
    <body data-state="loading">
    <header>
      <h1>anthropic-proxy usage</h1>
      <span class="meta" id="meta"><span id="range">loading…</span> · <span id="streams-open" data-value="">–</span> streams open now · <span id="updated"></span> · <a href="/ui">refresh</a></span>
    </header>
    <main>
      <noscript id="noscript"><p class="message">This dashboard needs JavaScript.</p></noscript>
      <p class="message" id="message" hidden></p>
      <section id="login-view" hidden>
        <h2>Sign in</h2>
        <p class="message" id="login-message" hidden></p>
        <form id="login" method="post" action="/ui/login">
          <label for="login-key">Admin key</label>
          <input id="login-key" type="password" name="key" autocomplete="current-password" required>
          <button type="submit">Sign in</button>
        </form>
      </section>
      <div id="dashboard" hidden>
        <div class="cards">
          <div class="card"><span class="label">Spend</span><span class="value" id="total-spend" data-value=""></span><span class="sub" id="total-unpriced" data-value=""></span></div>
          <div class="card"><span class="label">Requests</span><span class="value" id="total-requests" data-value=""></span><span class="sub" id="total-searches" data-value=""></span></div>
          <div class="card"><span class="label">Errors</span><span class="value" id="total-errors" data-value=""></span><span class="sub" id="total-error-rate" data-value=""></span></div>
          <div class="card"><span class="label">Input tokens</span><span class="value" id="total-input-tokens" data-value=""></span></div>
          <div class="card"><span class="label">Output tokens</span><span class="value" id="total-output-tokens" data-value=""></span></div>
          <div class="card"><span class="label">Cache read</span><span class="value" id="total-cache-read-tokens" data-value=""></span></div>
          <div class="card"><span class="label">Cache write</span><span class="value" id="total-cache-write-tokens" data-value=""></span></div>
        </div>
        <section>
          <div class="row"><h2 id="chart-title">Spend per day</h2>
            <div class="toggle"><button type="button" id="show-spend" aria-pressed="true">Spend</button><button type="button" id="show-tokens" aria-pressed="false">Tokens</button></div></div>
          <div class="legend" id="chart-legend"></div>
          <svg id="spend-chart" role="img" aria-label="Per day" viewBox="0 0 800 220"></svg>
        </section>
        <section><h2>Per model</h2><div class="scroll"><table id="models"><thead><tr><th>Model</th><th class="num">Requests</th><th class="num">Errors</th><th class="num">In</th><th class="num">Out</th><th class="num">Cache read</th><th class="num">Cache write</th><th class="num">Searches</th><th class="num">Cost</th></tr></thead><tbody></tbody></table></div></section>
        <section><h2>Per client key</h2><div class="scroll"><table id="keys"><thead><tr><th>Client key</th><th class="num">Requests</th><th class="num">Errors</th><th class="num">In</th><th class="num">Out</th><th class="num">Cache read</th><th class="num">Cache write</th><th class="num">Searches</th><th class="num">Cost</th></tr></thead><tbody></tbody></table></div></section>
        <section><h2>Targets: latency, last 7 days</h2><div class="scroll"><table id="targets"><thead><tr><th>Target</th><th class="num">Requests</th><th class="num">Errors</th><th class="num">Error rate</th><th class="num">p50 duration</th><th class="num">p95 duration</th><th class="num">p50 first token</th><th class="num">p95 first token</th></tr></thead><tbody></tbody></table></div></section>
        <section><h2 id="recent-title">Recent requests</h2><div class="scroll"><table id="recent"><thead><tr><th>Time</th><th>Session</th><th>Model → target</th><th>Status</th><th>Stream</th><th class="num">In</th><th class="num">Out</th><th class="num">Cost</th><th class="num">Duration</th><th class="num">Attempts</th></tr></thead><tbody></tbody></table></div></section>
      </div>
    </main>
    <script>
    "use strict";
    const $ = (id) => document.getElementById(id);
    const SVGNS = "http://www.w3.org/2000/svg";
    // Elements are built with text nodes and attributes only: API values are never parsed as HTML.
    function el(tag, attrs, ...kids) {
      const e = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs || {})) if (v != null) e.setAttribute(k, String(v));
      for (const k of kids) if (k != null) e.append(k instanceof Node ? k : String(k));
      return e;
    }
    function sv(tag, attrs, text) {
      const e = document.createElementNS(SVGNS, tag);
      for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
      if (text != null) e.textContent = String(text);
      return e;
    }
    const fmtInt = (n) => n == null ? "–" : Number(n).toLocaleString("en-US");
    function fmtTokens(n) {
      if (n == null) return "–";
      const a = Math.abs(n), unit = (d, s) => { const v = n / d; return (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, "")) + s; };
      if (a < 1000) return String(Math.round(n * 100) / 100);
      if (a < 999500) return unit(1e3, "k");
      if (a < 999500000) return unit(1e6, "M");
      return unit(1e9, "B");
    }
    function fmtUSD(v) {
      if (v == null) return "unknown price";
      if (v === 0) return "$0.00";
      if (Math.abs(v) < 0.0001) return "<$0.0001";
      if (Math.abs(v) < 0.00995) return "$" + v.toFixed(4);
      if (Math.abs(v) >= 10000) return "$" + fmtTokens(v);
      return "$" + v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    const fmtCost = (v, unpriced) => v == null ? "unknown price" : fmtUSD(v) + (unpriced > 0 ? " + " + unpriced + " unpriced" : "");
    const fmtPct = (r) => r == null ? "–" : r === 0 ? "0%" : (r * 100).toFixed(r < 0.001 ? 2 : 1) + "%";
    function fmtMs(ms) {
      if (ms == null) return "–";
      if (ms < 1000) return Math.round(ms) + " ms";
      if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
      return Math.floor(ms / 60000) + " m " + Math.round((ms % 60000) / 1000) + " s";
    }
    function fmtTime(iso) {
      const d = new Date(iso);
      if (isNaN(d)) return String(iso);
      const time = { hour: "2-digit", minute: "2-digit", second: "2-digit" };
      return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString(undefined, time) : d.toLocaleString(undefined, { month: "short", day: "numeric", ...time });
    }
    const tokensOf = (r) => (r.input_tokens || 0) + (r.output_tokens || 0) + (r.cache_read_tokens || 0) + (r.cache_write_tokens || 0);

    class AuthError extends Error {}
    async function getJSON(url) {
      const res = await fetch(url, { credentials: "same-origin" });
      let body = null;
      try { body = await res.json(); } catch (_) { /* not JSON */ }
      const message = body && body.error && typeof body.error.message === "string" ? body.error.message : null;
      if (res.status === 401 || res.status === 403) throw new AuthError(message || "Sign in with the admin key.");
      if (!res.ok) throw new Error(url.split("?")[0] + ": " + (message || "HTTP " + res.status));
      if (body == null) throw new Error(url.split("?")[0] + ": the answer is not JSON");
      return body;
    }

    function setTotal(id, raw, text) { const e = $(id); e.dataset.value = raw == null ? "null" : String(raw); e.textContent = text; }
    function renderTotals(t) {
      setTotal("total-spend", t.cost_usd, fmtUSD(t.cost_usd));
      setTotal("total-unpriced", t.unpriced_requests, t.unpriced_requests > 0 ? "+ " + fmtInt(t.unpriced_requests) + " unpriced" : "all priced");
      setTotal("total-requests", t.requests, fmtInt(t.requests));
      setTotal("total-searches", t.web_search_requests, fmtInt(t.web_search_requests) + " web searches");
      setTotal("total-errors", t.errors, fmtInt(t.errors));
      const rate = t.requests ? t.errors / t.requests : 0;
      setTotal("total-error-rate", rate, fmtPct(rate) + " of requests");
      if (t.errors > 0) $("total-errors").classList.add("err");
      setTotal("total-input-tokens", t.input_tokens, fmtTokens(t.input_tokens));
      setTotal("total-output-tokens", t.output_tokens, fmtTokens(t.output_tokens));
      setTotal("total-cache-read-tokens", t.cache_read_tokens, fmtTokens(t.cache_read_tokens));
      setTotal("total-cache-write-tokens", t.cache_write_tokens, fmtTokens(t.cache_write_tokens));
    }

    // One entry per day from `from` to `to`: the days without records are zeros.
    function fillDays(report) {
      const byDay = new Map(report.rows.map((r) => [r.key, r]));
      const out = [], end = Date.parse(report.to + "T00:00:00Z");
      for (let t = Date.parse(report.from + "T00:00:00Z"); t <= end && out.length < 800; t += 86400000) {
        const key = new Date(t).toISOString().slice(0, 10);
        out.push(byDay.get(key) || { key, requests: 0, errors: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0,
          cache_write_tokens: 0, web_search_requests: 0, cost_usd: 0, unpriced_requests: 0 });
      }
      return out.length ? out : [...report.rows].sort((a, b) => a.key < b.key ? -1 : 1);
    }
    function niceMax(v) {
      if (!(v > 0)) return 1;
      const p = Math.pow(10, Math.floor(Math.log10(v)));
      for (const m of [1, 2, 4, 6, 8, 10]) if (m * p >= v * 0.9999) return m * p;
      return 10 * p;
    }
    const SERIES = {
      spend: { title: "Spend per day", fmt: fmtUSD, parts: [["cost", "Spend", (d) => d.cost_usd || 0]] },
      tokens: { title: "Tokens per day", fmt: fmtTokens, parts: [["in", "Input", (d) => d.input_tokens || 0], ["out", "Output", (d) => d.output_tokens || 0],
        ["cache", "Cache read + write", (d) => (d.cache_read_tokens || 0) + (d.cache_write_tokens || 0)]] },
    };
    function renderChart(days, mode) {
      const s = $("spend-chart"), series = SERIES[mode];
      s.replaceChildren(); s.dataset.series = mode;
      $("chart-title").textContent = series.title + " (UTC days)";
      $("show-spend").setAttribute("aria-pressed", String(mode === "spend"));
      $("show-tokens").setAttribute("aria-pressed", String(mode === "tokens"));
      $("chart-legend").replaceChildren(...(series.parts.length > 1 ? series.parts.map(([cls, name]) => el("span", {}, el("i", { class: "swatch-" + cls }), name)) : []));
      const n = days.length, slot = 40, L = 62, T = 22, PH = 170, W = L + n * slot + 8, H = T + PH + 34;
      s.setAttribute("viewBox", `0 0 ${W} ${H}`);
      s.setAttribute("aria-label", series.title);
      const total = (d) => series.parts.reduce((a, p) => a + p[2](d), 0);
      const max = niceMax(Math.max(0, ...days.map(total)));
      for (let i = 0; i <= 4; i++) {
        const y = T + PH - (PH * i) / 4;
        s.append(sv("line", { x1: L, x2: W - 8, y1: y, y2: y, class: i ? "grid" : "axis" }));
        s.append(sv("text", { x: L - 6, y: y + 3.5, class: "ylab" }, series.fmt((max * i) / 4)));
      }
      const every = Math.ceil(n / 31);
      days.forEach((d, i) => {
        const x = L + i * slot + 6, w = slot - 12, value = total(d);
        let y = T + PH;
        const g = sv("g", { class: "day", "data-day": d.key, "data-value": mode === "spend" ? String(d.cost_usd) : String(value) });
        for (const [cls, , f] of series.parts) {
          const h = (PH * f(d)) / max;
          if (h > 0) { y -= h; g.append(sv("rect", { x, y, width: w, height: Math.max(h, 0.5), class: "bar " + cls })); }
        }
        const unknown = mode === "spend" && d.cost_usd == null && d.requests > 0;
        if (n <= 45 && (value > 0 || unknown)) g.append(sv("text", { x: x + w / 2, y: y - 4, class: "vlab" }, unknown ? "?" : series.fmt(value)));
        const day = d.key.slice(8).replace(/^0/, "");
        if (i % every === 0) g.append(sv("text", { x: x + w / 2, y: T + PH + 14, class: "xlab" }, day));
        if (i === 0 || day === "1") {
          const month = new Date(d.key + "T00:00:00Z").toLocaleString("en-US", { month: "short", timeZone: "UTC" });
          g.append(sv("text", { x: x + w / 2, y: T + PH + 27, class: "xlab" }, month));
        }
        g.append(sv("title", {}, `${d.key}: ${fmtCost(d.cost_usd, d.unpriced_requests)} · ${fmtInt(d.requests)} requests, ${fmtInt(d.errors)} errors · ` +
          `tokens ${fmtTokens(d.input_tokens)} in, ${fmtTokens(d.output_tokens)} out, ${fmtTokens(d.cache_read_tokens)} cache read, ${fmtTokens(d.cache_write_tokens)} cache write`));
        s.append(g);
      });
    }

    const td = (text, col, opts = {}) => el("td", { "data-col": col, class: opts.cls, title: opts.title, "data-value": opts.value }, text);
    const num = (text, col, value, cls) => td(text, col, { cls: cls ? "num " + cls : "num", value: value == null ? "null" : value });
    function fill(id, rows, columns, render) {
      const body = $(id).tBodies[0];
      body.replaceChildren(...(rows.length ? rows.map(render) : [el("tr", {}, el("td", { colspan: columns, class: "muted" }, "Nothing in this range."))]));
    }
    function usageTable(id, rows, label) {
      const sorted = [...rows].sort((a, b) => (b.cost_usd ?? -1) - (a.cost_usd ?? -1) || b.requests - a.requests);
      fill(id, sorted, 9, (r) => el("tr", { "data-key": r.key },
        td(label(r.key), "name", { cls: r.key === "" ? "name muted" : "name", title: r.key }),
        num(fmtInt(r.requests), "requests", r.requests), num(fmtInt(r.errors), "errors", r.errors, r.errors > 0 ? "err" : null),
        num(fmtTokens(r.input_tokens), "input_tokens", r.input_tokens), num(fmtTokens(r.output_tokens), "output_tokens", r.output_tokens),
        num(fmtTokens(r.cache_read_tokens), "cache_read_tokens", r.cache_read_tokens), num(fmtTokens(r.cache_write_tokens), "cache_write_tokens", r.cache_write_tokens),
        num(fmtInt(r.web_search_requests), "web_search_requests", r.web_search_requests),
        num(fmtCost(r.cost_usd, r.unpriced_requests), "cost_usd", r.cost_usd, r.cost_usd == null ? "muted" : null)));
    }
    function targetsTable(rows) {
      const p = (o, k) => (o ? o[k] : null);
      fill("targets", [...rows].sort((a, b) => b.requests - a.requests), 8, (r) => el("tr", { "data-key": r.target },
        td(r.target, "name", { cls: "name", title: r.target }), num(fmtInt(r.requests), "requests", r.requests),
        num(fmtInt(r.errors), "errors", r.errors, r.errors > 0 ? "err" : null),
        num(fmtPct(r.error_rate), "error_rate", r.error_rate, r.error_rate > 0.05 ? "err" : r.error_rate > 0 ? "warn" : null),
        num(fmtMs(p(r.duration_ms, "p50")), "duration_p50", p(r.duration_ms, "p50")), num(fmtMs(p(r.duration_ms, "p95")), "duration_p95", p(r.duration_ms, "p95")),
        num(fmtMs(p(r.ttfb_ms, "p50")), "ttfb_p50", p(r.ttfb_ms, "p50")), num(fmtMs(p(r.ttfb_ms, "p95")), "ttfb_p95", p(r.ttfb_ms, "p95"))));
    }
    function recentTable(rows) {
      $("recent-title").textContent = rows.length ? `Last ${rows.length} requests` : "Recent requests";
      fill("recent", rows, 10, (r) => {
        const failed = (r.status != null && r.status >= 400) || r.error_type != null;
        const session = r.session_id ? (r.session_id.length > 10 ? r.session_id.slice(0, 8) + "…" : r.session_id) : "–";
        const target = [r.provider, r.upstream_model].filter((v) => v).join("/");
        return el("tr", { "data-key": r.id, class: failed ? "failed" : null },
          td(fmtTime(r.started_at), "started_at", { title: r.started_at }), td(session, "session_id", { title: r.session_id, cls: r.session_id ? null : "muted" }),
          td((r.client_model || "?") + " → " + (target || "?"), "model", { cls: "name", title: r.id }),
          td(String(r.status ?? "–") + (r.error_type ? " " + r.error_type : ""), "status", { cls: failed ? "err" : null, value: r.status }),
          td(r.stream ? "yes" : "no", "stream"),
          num(fmtTokens(r.input_tokens), "input_tokens", r.input_tokens), num(fmtTokens(r.output_tokens), "output_tokens", r.output_tokens),
          num(fmtUSD(r.cost_usd), "cost_usd", r.cost_usd, r.cost_usd == null ? "muted" : null),
          el("td", { "data-col": "duration_ms", "data-value": r.duration_ms, class: "num", title: "first token after " + fmtMs(r.ttfb_ms) }, fmtMs(r.duration_ms)),
          num(fmtInt(r.attempts), "attempts", r.attempts, r.attempts > 1 ? "warn" : null));
      });
    }

    const drop = (...ids) => ids.forEach((id) => { const e = $(id); if (e) e.remove(); });
    function showLogin(message) {
      drop("dashboard", "meta");
      $("login-view").hidden = false;
      $("login-message").textContent = message;
      $("login-message").hidden = !message;
      document.body.dataset.state = "login";
      $("login-key").focus();
    }
    function showError(message) {
      drop("dashboard", "login-view", "meta");
      $("message").textContent = "The usage API failed: " + message;
      $("message").hidden = false;
      document.body.dataset.state = "error";
    }
    async function load() {
      const urls = ["/api/usage?group_by=day&from=29d", "/api/usage?group_by=model&from=29d", "/api/usage?group_by=key&from=29d",
        "/api/targets?from=7d", "/api/requests?limit=50", "/api/status"];
      const results = await Promise.allSettled(urls.map(getJSON));
      const failures = results.filter((r) => r.status === "rejected").map((r) => r.reason);
      const auth = failures.find((e) => e instanceof AuthError);
      if (auth) return showLogin(auth.message);
      if (failures.length) return showError(failures.map((e) => (e && e.message) || String(e)).join("; "));
      const [days, models, keys, targets, recent, status] = results.map((r) => r.value);
      try {
        drop("login-view");
        const filled = fillDays(days);
        $("range").textContent = `${days.from} – ${days.to} (${filled.length} days)`;
        setTotal("streams-open", status.streams_open, fmtInt(status.streams_open));
        $("updated").textContent = "updated " + new Date().toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
        renderTotals(days.total || {});
        renderChart(filled, "spend");
        $("show-spend").addEventListener("click", () => renderChart(filled, "spend"));
        $("show-tokens").addEventListener("click", () => renderChart(filled, "tokens"));
        usageTable("models", models.rows || [], (k) => k);
        usageTable("keys", keys.rows || [], (k) => (k === "" ? "(none)" : k));
        targetsTable(targets.rows || []);
        recentTable(recent.rows || []);
        $("dashboard").hidden = false;
        document.body.dataset.state = "ready";
      } catch (e) {
        showError("unexpected answer (" + ((e && e.message) || e) + ")");
      }
    }
    drop("noscript");
    load();
    </script>
    </body>
    </html>
    """#
}
