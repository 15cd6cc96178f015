// The pre-publish page (examples/serve/page.html) in a real browser: Debian's chromium,
// headless, driven by puppeteer-core, against mesura-serve on loopback with the default
// policy. Posts with emoji, ZWJ sequences, accents, a generated Luhn-valid card number
// and rude words are typed key by key; each highlight must hold exactly its finding's
// text, the verdict must read as the server's, a failed check must never read
// "allowed", and only one request may be in flight, its stale answers dropped.
// Screenshots go to MESURA_ARTIFACTS (the build tree).
//
// ctest runs it with MESURA_TOOLS (the built tools), MESURA_NODE_MODULES (where
// scripts/deps.sh npm installed puppeteer-core) and MESURA_ARTIFACTS. It exits 77
// (skipped) when no browser is installed, unless MESURA_REQUIRE_BROWSER is set (CI).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const SKIP = 77;
const tools = process.env.MESURA_TOOLS || "build/rel/examples";
const serveBinary = join(tools, "mesura-serve");
const nodeModules = process.env.MESURA_NODE_MODULES || "build/npm/node_modules";
const artifacts = process.env.MESURA_ARTIFACTS || ".";
const chromium = process.env.MESURA_CHROMIUM || "/usr/bin/chromium";
const requireBrowser = Boolean(process.env.MESURA_REQUIRE_BROWSER);

function skip(why) {
  const how = "install them with scripts/deps.sh test and scripts/deps.sh npm BUILD/npm";
  if (requireBrowser) {
    console.error(`error: ${why} (${how}); MESURA_REQUIRE_BROWSER is set, so this fails`);
    process.exit(1);
  }
  console.log(`SKIPPED: ${why}; ${how}`);
  process.exit(SKIP);
}

if (!existsSync(chromium)) skip(`no browser at ${chromium}`);
let puppeteer;
try {
  puppeteer = createRequire(join(resolve(nodeModules), "noop.js"))("puppeteer-core");
} catch {
  skip(`puppeteer-core is not installed in ${nodeModules}`);
}

// ------------------------------------------------------------------ test data

// A card number computed from its format: a 16-digit Visa-range number whose last digit
// is the Luhn check digit of the fifteen before it.
function luhnCard(body15) {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    let d = Number(body15[14 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  const digits = body15 + String((10 - (sum % 10)) % 10);
  return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
}
function luhnValid(number) {
  const digits = number.replace(/\D/g, "");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}
const CARD = luhnCard("453201" + "511283036");

// Verdict labels as the page writes them (page.html's STRINGS).
const LABELS = {
  en: { allow: "Allowed", review: "Needs review", block: "Blocked", error: "Could not check",
        draft: "Your draft" },
  es: { allow: "Permitido", review: "Requiere revisión", block: "Bloqueado",
        error: "No se pudo comprobar", draft: "Tu borrador" },
};
const VERDICT_STATE = { allow: "allow", log: "allow", redact: "review", review: "review", block: "block" };

// ------------------------------------------------------------------ the service

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Every service started is stopped when the test ends, however it ends: an orphan would
// hold ctest's pipes open.
const children = new Set();
process.on("exit", () => { for (const child of children) child.kill("SIGKILL"); });

async function startServe(...extra) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(serveBinary, ["--listen", `127.0.0.1:${port}`, "--threads", "1", ...extra],
                        { stdio: ["ignore", "ignore", "pipe"] });
    children.add(child);
    child.once("exit", () => children.delete(child));
    let stderr = "";
    child.stderr.on("data", (chunk) => { stderr += chunk; });
    const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    // Up to 30 s for the service to answer (a sanitizer build starts slowly).
    for (let i = 0; i < 300; i++) {
      const done = await Promise.race([exited.then(() => true), sleep(100).then(() => false)]);
      if (done) break;
      try {
        const r = await fetch(`${base}/healthz`);
        if (r.ok) return { child, base, exited, stderr: () => stderr };
      } catch { /* not listening yet */ }
    }
    child.kill("SIGKILL");
    await exited;
    if (!/address|in use|bind/i.test(stderr)) throw new Error(`mesura-serve did not start:\n${stderr}`);
  }
  throw new Error("mesura-serve found no free port");
}

async function screen(base, text, token) {
  const auth = token ? { Authorization: `Bearer ${token}` } : {};
  const r = await fetch(`${base}/v1/screen`, {
    method: "POST", headers: { "Content-Type": "application/json", ...auth },
    body: JSON.stringify({ text, redact: true }),
  });
  assert(r.ok, `POST /v1/screen answered ${r.status}`);
  return r.json();
}

// ------------------------------------------------------------------ checks

const auth = (ctx) => (ctx.token ? { Authorization: `Bearer ${ctx.token}` } : {});

function assert(condition, message) {
  if (!condition) throw new Error(message);
}
function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`);
}

// GET / is one self-contained page whose CSP allows its inline style and script by hash.
async function checkPageHeaders(base) {
  const r = await fetch(`${base}/`);
  assertEqual(r.status, 200, "GET / status");
  assert(/^text\/html; charset=utf-8$/i.test(r.headers.get("content-type")),
         `GET / content type ${r.headers.get("content-type")}`);
  const html = await r.text();
  const csp = r.headers.get("content-security-policy") || "";
  assert(csp.includes("default-src 'none'"), `CSP without default-src 'none': ${csp}`);
  assert(csp.includes("connect-src 'self'"), `CSP without connect-src 'self': ${csp}`);
  for (const tag of ["script", "style"]) {
    const blocks = [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))];
    assertEqual(blocks.length, 1, `inline <${tag}> elements`);
    const hash = createHash("sha256").update(blocks[0][1], "utf8").digest("base64");
    assert(csp.includes(`${tag}-src 'sha256-${hash}'`), `CSP does not allow the page's ${tag} (sha256-${hash}): ${csp}`);
  }
  assert(!/\s(src|href)\s*=|@import|url\(|https?:\/\//i.test(html), "the page refers to something outside itself");
  assert(!/\son[a-z]+\s*=/i.test(html), "the page has an inline event handler");
  assertEqual(r.headers.get("x-content-type-options"), "nosniff", "X-Content-Type-Options");
  const head = await fetch(`${base}/`, { method: "HEAD" });
  assertEqual(head.status, 200, "HEAD / status");
}

async function launch(lang) {
  const profile = mkdtempSync(join(tmpdir(), "mesura-page-"));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: profile,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           // headless Chromium takes navigator.language from --accept-lang
           `--lang=${lang}`, `--accept-lang=${lang},${lang.slice(0, 2)}`],
  });
  return { browser, close: async () => { await browser.close(); rmSync(profile, { recursive: true, force: true }); } };
}

// A page with its problems collected: script errors, CSP violations, console errors
// (a missing favicon is not one), and the /v1/screen requests in flight.
async function openPage(browser, base) {
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 1100 });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/favicon|404 \(Not Found\)/.test(m.text() + (m.location().url || "")))
      problems.push(`console: ${m.text()}`);
  });
  await page.evaluateOnNewDocument(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation",
      (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    // Each verdict the page shows, with the draft it was shown for.
    window.__verdicts = [];
    new MutationObserver(() => {
      const v = document.getElementById("verdict"), d = document.getElementById("draft");
      if (v && d) window.__verdicts.push({ state: v.getAttribute("data-state"), text: v.textContent, draft: d.value });
    }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const traffic = { started: 0, inFlight: 0, maxInFlight: 0, hold: false, held: [] };
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    if (request.url().endsWith("/v1/screen")) {
      traffic.started++;
      traffic.inFlight++;
      traffic.maxInFlight = Math.max(traffic.maxInFlight, traffic.inFlight);
      if (traffic.hold) { traffic.held.push(request); return; }
    }
    request.continue();
  });
  const settled = (request) => { if (request.url().endsWith("/v1/screen")) traffic.inFlight--; };
  page.on("requestfinished", settled);
  page.on("requestfailed", settled);
  await page.goto(`${base}/`, { waitUntil: "load" });
  return { page, problems, traffic };
}

async function typeDraft(page, text) {
  await page.focus("#draft");
  await page.evaluate(() => { const d = document.getElementById("draft"); d.select(); });
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text);
}

// Waits until the page shows an outcome (not "checking") for the draft as it is.
async function settledVerdict(page) {
  await page.waitForFunction(() => {
    const v = document.getElementById("verdict");
    return v.getAttribute("aria-busy") === "false" && v.getAttribute("data-state") !== "checking";
  }, { timeout: 60000 });
  return page.evaluate(() => {
    const v = document.getElementById("verdict");
    return { state: v.getAttribute("data-state"), text: v.textContent };
  });
}

// The marks of the backdrop: each one's UTF-16 offset in the draft, text and findings.
function readMarks(page) {
  return page.evaluate(() => {
    const backdrop = document.getElementById("backdrop");
    let at = 0;
    const marks = [];
    for (const node of backdrop.childNodes) {
      const text = node.textContent;
      if (node.nodeName === "MARK")
        marks.push({ from: at, text, findings: node.getAttribute("data-findings").split(" ").map(Number) });
      at += text.length;
    }
    return { marks, text: backdrop.textContent, draft: document.getElementById("draft").value };
  });
}

// The server's record for `text` and the page's marks must agree: every finding's range
// is marked exactly (its marks hold its text, from its UTF-16 start, with no gap) and
// nothing else is.
async function checkHighlights(page, text, record) {
  const { marks, text: shown, draft } = await readMarks(page);
  assertEqual(draft, text, "the draft");
  assert(shown === text || shown === text + " ", `the backdrop holds ${JSON.stringify(shown)}, not the draft`);
  const bytes = Buffer.from(text, "utf8");
  record.findings.forEach((f, i) => {
    assertEqual(bytes.subarray(f.start, f.end).toString("utf8"), f.text, `finding ${i}'s byte range`);
    assertEqual(text.slice(f.start_utf16, f.end_utf16), f.text, `finding ${i}'s UTF-16 range`);
    const mine = marks.filter((m) => m.findings.includes(i));
    assert(mine.length > 0, `finding ${i} (${f.text}) is not highlighted`);
    assertEqual(mine[0].from, f.start_utf16, `finding ${i}'s highlight start`);
    for (let k = 1; k < mine.length; k++)
      assertEqual(mine[k].from, mine[k - 1].from + mine[k - 1].text.length, `finding ${i}'s highlight is whole`);
    assertEqual(mine.map((m) => m.text).join(""), f.text, `finding ${i}'s highlighted text`);
  });
  await checkOverlay(page);
  const covered = marks.reduce((n, m) => n + m.text.length, 0);
  const ranges = new Set();
  for (const f of record.findings) for (let u = f.start_utf16; u < f.end_utf16; u++) ranges.add(u);
  assertEqual(covered, ranges.size, "highlighted UTF-16 units (nothing but findings)");
  return marks;
}

// The marks lie under their characters only while the textarea and its backdrop are
// one box with one way of laying out text, and the textarea never scrolls.
async function checkOverlay(page) {
  const layout = await page.evaluate(() => {
    const props = ["font-family", "font-size", "font-weight", "line-height", "letter-spacing",
                   "word-spacing", "tab-size", "white-space", "overflow-wrap", "word-break",
                   "padding-top", "padding-left", "padding-right", "border-top-width",
                   "border-left-width", "border-right-width", "box-sizing", "text-align"];
    const box = (el) => {
      const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
      return { rect: [r.x, r.y, r.width, r.height], style: props.map((p) => cs.getPropertyValue(p)) };
    };
    const draft = document.getElementById("draft");
    return { draft: box(draft), backdrop: box(document.getElementById("backdrop")),
             scrolls: draft.scrollHeight > draft.clientHeight };
  });
  assertEqual(layout.draft, layout.backdrop, "the textarea and its backdrop (box and text layout)");
  assertEqual(layout.scrolls, false, "the textarea scrolls");
}

async function checkFindingsList(ctx, record) {
  const { page, base } = ctx;
  // One item per range and category, in the record's order.
  const expected = [];
  for (const f of record.findings)
    if (!expected.some((e) => e.from === f.start_utf16 && e.to === f.end_utf16 && e.category === f.category))
      expected.push({ from: f.start_utf16, to: f.end_utf16, category: f.category, text: f.text });
  const items = await page.$$eval("#findings li", (lis) => lis.map((li) => ({
    text: li.querySelector("q").textContent,
    why: [...li.querySelectorAll("details .description")].map((p) => p.textContent),
  })));
  // Each rule's description, from GET /v1/policy, once per item.
  const policy = await (await fetch(`${base}/v1/policy`, { headers: auth(ctx) })).json();
  const description = new Map(policy.rules.map((r) => [r.id, r.description]));
  assertEqual(items, expected.map((e) => ({
    text: e.text,
    why: [...new Set(record.findings.filter((f) => f.start_utf16 === e.from && f.end_utf16 === e.to &&
                                                   f.category === e.category)
                                     .map((f) => description.get(f.rule)).filter(Boolean))],
  })), "the findings list and the rules' descriptions");
  const hidden = await page.$eval("#findings-section", (s) => s.hidden);
  assertEqual(hidden, record.findings.length === 0, "the findings section hidden");
}

async function checkRedacted(page, text, record) {
  const { hidden, value } = await page.$eval("#redacted-section", (s) =>
    ({ hidden: s.hidden, value: document.getElementById("redacted").value }));
  const offered = record.findings.length > 0 && record.redacted !== text;
  assertEqual(!hidden, offered, "the suggested version offered");
  if (offered) assertEqual(value, record.redacted, "the suggested version");
}

// One post typed key by key; its outcome checked against the server's own answer.
async function checkPost(ctx, text, expectVerdict, expectCategories) {
  const { page, base, lang } = ctx;
  await typeDraft(page, text);
  const verdict = await settledVerdict(page);
  const record = await screen(base, text, ctx.token);
  assertEqual(record.verdict in VERDICT_STATE ? VERDICT_STATE[record.verdict] : "?", expectVerdict,
              `the server's verdict on ${JSON.stringify(text)}`);
  for (const category of expectCategories)
    assert(record.findings.some((f) => f.category === category), `no ${category} finding in ${JSON.stringify(text)}`);
  assertEqual(verdict.state, expectVerdict, "the page's verdict state");
  assertEqual(verdict.text, LABELS[lang][expectVerdict], "the page's verdict text");
  await checkHighlights(page, text, record);
  await checkFindingsList(ctx, record);
  await checkRedacted(page, text, record);
  return record;
}

// By keyboard: from the draft, Tab reaches the first finding's button, whose Enter
// selects the finding in the draft (UTF-16 offsets, as the textarea counts).
async function checkKeyboard(page, record) {
  await page.focus("#draft");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement.closest("#findings li") !== null &&
                                             document.activeElement.tagName);
  assertEqual(focused, "BUTTON", "Tab from the draft reaches the first finding's button");
  // Then the rule's description, behind a disclosure that Enter opens.
  await page.keyboard.press("Tab");
  assertEqual(await page.evaluate(() => document.activeElement.tagName), "SUMMARY",
              "Tab from the button reaches the description's disclosure");
  await page.keyboard.press("Enter");
  assertEqual(await page.evaluate(() => document.activeElement.parentElement.open), true,
              "Enter opens the description");
  await page.keyboard.down("Shift");
  await page.keyboard.press("Tab");
  await page.keyboard.up("Shift");
  await page.keyboard.press("Enter");
  const selection = await page.evaluate(() => {
    const d = document.activeElement;
    return { id: d.id, from: d.selectionStart, to: d.selectionEnd, text: d.value.slice(d.selectionStart, d.selectionEnd) };
  });
  const f = record.findings[0];
  assertEqual(selection, { id: "draft", from: f.start_utf16, to: f.end_utf16, text: f.text },
              "Enter on the finding's button selects it in the draft");
}

// The suggested version's Copy button puts the redacted text on the clipboard.
async function checkCopy(ctx, record) {
  await ctx.page.browserContext().overridePermissions(ctx.base, ["clipboard-read", "clipboard-write",
                                                                 "clipboard-sanitized-write"]);
  await ctx.page.focus("#copy");
  await ctx.page.keyboard.press("Enter");
  await ctx.page.waitForFunction(() => document.getElementById("copied").textContent !== "");
  assertEqual(await ctx.page.$eval("#copied", (e) => e.textContent), "Copied.", "the copy's status");
  assertEqual(await ctx.page.evaluate(() => navigator.clipboard.readText()), record.redacted,
              "the clipboard after Copy");
}

async function checkAccessibility(page, lang) {
  const facts = await page.evaluate(() => {
    const draft = document.getElementById("draft");
    const verdict = document.getElementById("verdict");
    return {
      lang: document.documentElement.lang,
      label: draft.labels.length ? draft.labels[0].textContent : null,
      live: verdict.getAttribute("role") + " " + verdict.getAttribute("aria-live"),
      backdropHidden: document.getElementById("backdrop").getAttribute("aria-hidden"),
      redactedLabelled: document.getElementById("redacted").labels.length,
    };
  });
  assertEqual(facts, { lang, label: LABELS[lang].draft, live: "status polite", backdropHidden: "true",
                       redactedLabelled: 1 }, "labels, language and live region");
}

async function finish(ctx, name) {
  const { page, problems } = ctx;
  const violations = await page.evaluate(() => window.__violations);
  assertEqual(violations, [], "Content-Security-Policy violations");
  assertEqual(problems, [], "script and console errors");
  const path = join(artifacts, name);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

// ------------------------------------------------------------------ the tests

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test("page_headers", async ({ serve }) => checkPageHeaders(serve.base));

test("english_posts", async ({ serve }) => {
  assert(luhnValid(CARD) && !luhnValid(CARD.slice(0, -1) + ((Number(CARD.slice(-1)) + 1) % 10)),
         "the generated card number is Luhn-valid");
  const { browser, close } = await launch("en-US");
  try {
    const opened = await openPage(browser, serve.base);
    const ctx = { ...opened, base: serve.base, lang: "en" };
    await checkAccessibility(ctx.page, "en");
    await checkPost(ctx, "Loved the café ☕ with the team 👩‍👩‍👧‍👦🎉 today, Ñandú!", "allow", []);
    const mixed = await checkPost(ctx,
      "Ça va? 👩🏽‍💻 naïve café 🇪🇸 — pay with my card " + CARD + " you idiot 🙄",
      "review", ["pii.payment_card", "harassment"]);
    await finish(ctx, "page-en.png");
    await checkKeyboard(ctx.page, mixed);
    await ctx.page.screenshot({ path: join(artifacts, "page-en-keyboard.png"), fullPage: true });
    await checkCopy(ctx, mixed);
    await checkPost(ctx, "👀 CONFIDENTIAL 🤫 draft, do not share", "block", ["confidential"]);
    await checkPost(ctx, "Ωμέγα 𝒳 😀😀 this is fucking great\nand 👨‍👩‍👧 card " + CARD, "review",
                    ["profanity", "pii.payment_card"]);
    const long = Array.from({ length: 12 }, (_, i) =>
      `Line ${i + 1} 🧑🏾‍🤝‍🧑🏻 of a long thread about our café launch, señoras y señores` +
      (i % 3 === 2 ? ", long enough to wrap: naïve façade, jalapeño, Zürich, Øresund, Ἀθῆναι 🗼" : "")).join("\n");
    await checkPost(ctx, long + "\nthat shit card " + CARD + "\n", "review", ["profanity", "pii.payment_card"]);
    assertEqual(ctx.traffic.maxInFlight, 1, "requests in flight at once");
    await finish(ctx, "page-en-long.png");
  } finally {
    await close();
  }
});

// One request in flight; an answer about a text the employee has since changed is
// dropped. The first request (a blocked draft) is held by the test while the draft
// becomes an allowed one; its "blocked" must never be shown.
test("stale_answers_dropped", async ({ serve }) => {
  const { browser, close } = await launch("en-US");
  try {
    const ctx = { ...(await openPage(browser, serve.base)), base: serve.base, lang: "en" };
    const paste = (text) => ctx.page.evaluate((t) => {
      const d = document.getElementById("draft");
      d.value = t;
      d.dispatchEvent(new Event("input", { bubbles: true }));
    }, text);
    ctx.traffic.hold = true;
    await paste("CONFIDENTIAL: do not share");
    for (let i = 0; i < 600 && ctx.traffic.held.length === 0; i++) await sleep(50);
    assertEqual(ctx.traffic.held.length, 1, "requests sent for the first draft");
    const allowed = "Lovely day at the café ☕";
    await paste(allowed);
    await sleep(1000);  // the debounce passes; the page must still wait for its request
    assertEqual(ctx.traffic.started, 1, "requests started while one is in flight");
    ctx.traffic.hold = false;
    for (const r of ctx.traffic.held.splice(0)) r.continue();
    const verdict = await settledVerdict(ctx.page);
    assertEqual(verdict, { state: "allow", text: "Allowed" }, "the verdict on the second draft");
    assertEqual(ctx.traffic.started, 2, "requests in all (the second draft checked after the first answer)");
    assertEqual(ctx.traffic.maxInFlight, 1, "requests in flight at once");
    const shown = await ctx.page.evaluate(() => window.__verdicts);
    assert(!shown.some((v) => v.state === "block"), "the stale 'blocked' answer was shown");
    assert(shown.every((v) => v.state !== "allow" || v.draft === allowed), "'allowed' shown for another draft");
  } finally {
    await close();
  }
});

// Spanish UI from the browser's language; then the service stops, and a draft that would
// be allowed reads "could not check", never "allowed".
test("spanish_and_failure", async ({ serve }) => {
  const { browser, close } = await launch("es-ES");
  try {
    const ctx = { ...(await openPage(browser, serve.base)), base: serve.base, lang: "es" };
    await checkAccessibility(ctx.page, "es");
    await checkPost(ctx, "¡Qué día! 😤 Mi tarjeta es " + CARD + ", menuda mierda", "review",
                    ["pii.payment_card", "profanity"]);
    await finish(ctx, "page-es.png");
    await checkPost(ctx, "Buenos días, equipo 🌞 ¡qué café más rico!", "allow", []);

    // A draft the service cannot screen (a lone surrogate is no Unicode text: its JSON
    // escape names no character) reads "could not check" while the service is up.
    await ctx.page.evaluate(() => {
      const d = document.getElementById("draft");
      d.value = "Buenos días \uD83D a todos";
      d.dispatchEvent(new Event("input", { bubbles: true }));
    });
    assertEqual(await settledVerdict(ctx.page), { state: "error", text: LABELS.es.error },
                "the verdict on a draft that cannot be screened");

    serve.child.kill("SIGTERM");
    await serve.exited;
    assert(!/Sanitizer|runtime error/.test(serve.stderr()), `sanitizer report:\n${serve.stderr()}`);
    await typeDraft(ctx.page, "Buenos días 🌞 a todos");
    const verdict = await settledVerdict(ctx.page);
    assertEqual(verdict, { state: "error", text: LABELS.es.error }, "the verdict when the service is down");
    const marks = await readMarks(ctx.page);
    assertEqual(marks.marks, [], "highlights when the service is down");
    const page = ctx.page;
    await page.screenshot({ path: join(artifacts, "page-es-error.png"), fullPage: true });
    const violations = await page.evaluate(() => window.__violations);
    assertEqual(violations, [], "Content-Security-Policy violations");
  } finally {
    await close();
  }
});

// A service with a token (as off loopback): the page loads, its first check reads
// "could not check" and asks for the token; with it, the draft is checked.
test("token", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mesura-page-token-"));
  const token = createHash("sha256").update("mesura page test").digest("hex").slice(0, 32);
  writeFileSync(join(dir, "token"), token + "\n");
  const serve = await startServe("--token-file", join(dir, "token"));
  const { browser, close } = await launch("en-US");
  try {
    const ctx = { ...(await openPage(browser, serve.base)), base: serve.base, lang: "en" };
    const text = "my card is " + CARD + " 🙂";
    await typeDraft(ctx.page, text);
    assertEqual(await settledVerdict(ctx.page), { state: "error", text: LABELS.en.error },
                "the verdict without the token");
    assertEqual(await ctx.page.$eval("#token-row", (e) => e.hidden), false, "the token field shown after a 401");
    await ctx.page.screenshot({ path: join(artifacts, "page-en-token.png"), fullPage: true });
    await ctx.page.focus("#token");
    await ctx.page.keyboard.type(token);
    ctx.token = token;
    const verdict = await settledVerdict(ctx.page);
    const record = await screen(serve.base, text, token);
    assertEqual(verdict, { state: VERDICT_STATE[record.verdict], text: LABELS.en[VERDICT_STATE[record.verdict]] },
                "the verdict with the token");
    await checkHighlights(ctx.page, text, record);
    await checkFindingsList(ctx, record);
  } finally {
    await close();
    serve.child.kill("SIGTERM");
    await serve.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

async function main() {
  mkdirSync(artifacts, { recursive: true });
  let passed = 0, failed = 0;
  let serve = await startServe();
  for (const { name, fn } of tests) {
    if (serve.child.exitCode !== null || serve.child.signalCode !== null) serve = await startServe();
    try {
      await fn({ serve });
      console.log(`ok ${name}`);
      passed++;
    } catch (e) {
      console.log(`FAIL ${name}: ${e.stack || e}`);
      failed++;
    }
  }
  if (serve.child.exitCode === null && serve.child.signalCode === null) {
    serve.child.kill("SIGTERM");
    await serve.exited;
  }
  assert(!/Sanitizer|runtime error/.test(serve.stderr()), `sanitizer report:\n${serve.stderr()}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e.stack || e); process.exit(1); });
