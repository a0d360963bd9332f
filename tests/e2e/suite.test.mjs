// Browser acceptance suite for fangpian's default theme (DESIGN.md §6), in Debian's headless Chromium.
// Builds the example site with the release binary, serves it on localhost, and checks every page at
// 375×812 and 1280×800: axe-core (WCAG 2.x A–AAA + best practices) with zero violations, measured type
// sizes, line height, block width, paragraph spacing, target sizes, focus rings, no horizontal scroll at
// 320 px and at 200 % text, the text-size control, pages without JavaScript, sanitized hostile markdown,
// and page weight. Run: `npm ci && npm test` in tests/e2e (it runs `cargo build --release` first). With
// FANGPIAN_BIN set, it uses that binary instead and builds nothing (CI uses the debug build of `cargo test`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { serve } from "./server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const bin = process.env.FANGPIAN_BIN || path.join(repo, "target", "release", "fangpian");
const shots = path.join(here, "screenshots");
const VIEWPORTS = [
  { name: "phone", width: 375, height: 812 },
  { name: "desktop", width: 1280, height: 800 },
];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const CONCURRENCY = 3;

let browser, site, hostile, pages, tmp;
const summary = { checks: 0, violations: 0, pages: 0 };

function build(root, out) {
  execFileSync(bin, ["build", "--root", root, "--out", out], { stdio: ["ignore", "ignore", "inherit"] });
}

function htmlPages(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".html")) out.push("/" + path.relative(dir, p).replace(/index\.html$/, ""));
    }
  };
  walk(dir);
  // Alias pages are instant redirects; they are checked through their targets. WeChat versions
  // (`wechat.html`) are for pasting into the WeChat editor, not pages of the site: they have their own test.
  return out.sort()
    .filter((u) => !u.endsWith("/wechat.html"))
    .filter((u) => !fs.readFileSync(path.join(dir, u.endsWith("/") ? u + "index.html" : u), "utf8").includes("http-equiv=refresh"));
}

/** The WeChat versions of the built site (`/tactics/x/wechat.html`), with their web pages. */
function wechatPages(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "wechat.html") out.push("/" + path.relative(dir, d) + "/");
    }
  };
  walk(dir);
  return out.sort();
}

async function pool(items, fn) {
  const queue = [...items];
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (queue.length) await fn(queue.shift());
  });
  await Promise.all(workers);
}

before(async () => {
  if (!process.env.FANGPIAN_BIN) {
    execFileSync("cargo", ["build", "--release"], { cwd: repo, stdio: "inherit" }); // no-op when up to date
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fangpian-e2e-"));
  build(repo, path.join(tmp, "public"));
  execFileSync(bin, ["build", "--offline", "--root", repo, "--out", path.join(tmp, "offline")], { stdio: ["ignore", "ignore", "inherit"] });
  // A site with hostile markdown, for the sanitizing check.
  const h = path.join(tmp, "hostile");
  fs.mkdirSync(path.join(h, "content"), { recursive: true });
  fs.writeFileSync(path.join(h, "site.toml"), 'title = "恶意内容测试"\nbase_url = "http://127.0.0.1"\n');
  fs.writeFileSync(path.join(h, "content", "_index.md"), '+++\ntitle = "首页"\n+++\n');
  fs.copyFileSync(path.join(here, "hostile.md"), path.join(h, "content", "hostile.md"));
  build(h, path.join(h, "public"));
  site = await serve(path.join(tmp, "public"));
  hostile = await serve(path.join(h, "public"));
  pages = htmlPages(path.join(tmp, "public"));
  fs.mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  site?.close();
  hostile?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`\nsummary: ${summary.pages} pages × ${VIEWPORTS.length} viewports, ${summary.checks} checks, axe violations = ${summary.violations}`);
});

/** Measurements of one page, computed in the browser. */
async function measure(page) {
  return page.evaluate(() => {
    const px = (v) => parseFloat(v) || 0;
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
    };
    const text = [...document.querySelectorAll("main p, main li, main dd, main td")].filter(
      (el) => visible(el) && el.textContent.trim().length > 0 && !el.closest(".tiles, .card-meta, .call-list"),
    );
    const blocks = text.map((el) => {
      const s = getComputedStyle(el);
      const fs = px(s.fontSize);
      return {
        tag: el.tagName, text: el.textContent.trim().slice(0, 20), fontSize: fs, lineHeight: px(s.lineHeight) / fs,
        widthChars: el.getBoundingClientRect().width / fs, align: s.textAlign,
        marginBottom: px(s.marginBottom), lineHeightPx: px(s.lineHeight),
      };
    });
    // Footnote references and their way back are full targets (not exempt as links in a sentence).
    const inline = (el) => el.closest("main p, main li, main td, main dd, sup") && !el.matches(".call-button, .hotline, .term, .badge, .footnote-reference a, .footnote-back");
    const targets = [...document.querySelectorAll("a[href], button, summary, [tabindex='0']")]
      .filter((el) => visible(el) && !el.classList.contains("skip-link"))
      .map((el) => {
        const r = el.getBoundingClientRect();
        const main = el.matches(".call-button, a.hotline, .site-nav a, button.tool, button.speak, .tile");
        return { label: (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 20), w: r.width, h: r.height, main, inline: !!inline(el) };
      });
    const doc = document.documentElement;
    // The first screen: where the h1 starts, and the primary call buttons with their digits.
    const h1Top = document.querySelector("h1")?.getBoundingClientRect().top ?? Infinity;
    const calls = [...document.querySelectorAll(".call-bar .call-button")].map((a) => {
      const r = a.getBoundingClientRect();
      const digits = a.querySelector(".call-number");
      return {
        label: a.textContent.trim(), w: r.width, h: r.height,
        inView: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
        digits: digits ? parseFloat(getComputedStyle(digits).fontSize) : 0,
      };
    });
    // Dates, phone numbers and short notes in brackets never break across lines.
    const broken = [...document.querySelectorAll("time, .call-number, .hotline-number, .nowrap")]
      .filter((el) => visible(el) && (el.getClientRects().length > 1 || el.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(el).lineHeight)))
      .map((el) => el.textContent.trim());
    // Icons are inline SVG, never glyphs that need an emoji or symbol font.
    const glyphs = (document.body.innerText.match(/[☎⚠✔✅🔊‼ℹ⬇★⛔❗]/gu) || []);
    const footnoteText = [...document.querySelectorAll(".footnote-definition")].map((el) => parseFloat(getComputedStyle(el).fontSize));
    return { blocks, targets, overflow: doc.scrollWidth - doc.clientWidth, h1: document.querySelectorAll("h1").length, lang: doc.lang, h1Top, calls, broken, glyphs, footnoteText };
  });
}

function checkMeasures(m, where, vp) {
  assert.equal(m.h1, 1, `${where}: one h1`);
  const h1Max = vp.width < 600 ? 400 : 300;
  assert.ok(m.h1Top <= h1Max, `${where}: the h1 starts ${m.h1Top.toFixed(0)}px from the top (> ${h1Max}px)`);
  assert.ok(m.calls.length >= 1, `${where}: primary call buttons`);
  for (const c of m.calls) {
    assert.ok(c.inView, `${where}: call button "${c.label}" is not fully in the first screen`);
    assert.ok(c.w >= 59.5 && c.h >= 59.5, `${where}: call button "${c.label}" is ${c.w.toFixed(0)}×${c.h.toFixed(0)}`);
    assert.ok(c.digits >= 24, `${where}: call button "${c.label}" digits are ${c.digits}px (< 24px)`);
  }
  assert.deepEqual(m.broken, [], `${where}: broken across lines: ${m.broken.join(" | ")}`);
  assert.deepEqual(m.glyphs, [], `${where}: font-dependent icon glyphs`);
  for (const f of m.footnoteText) assert.ok(f >= 20, `${where}: footnote text ${f}px (< 20px)`);
  summary.checks += 4 + m.calls.length * 3 + m.footnoteText.length;
  assert.equal(m.lang, "zh-CN", `${where}: lang`);
  for (const b of m.blocks) {
    assert.ok(b.fontSize >= 20, `${where}: "${b.text}" font-size ${b.fontSize}px < 20px`);
    assert.ok(b.lineHeight >= 1.8 - 1e-6, `${where}: "${b.text}" line-height ${b.lineHeight.toFixed(2)} < 1.8`);
    assert.ok(b.widthChars <= 40.5, `${where}: "${b.text}" is ${b.widthChars.toFixed(1)} characters wide (> 40)`);
    assert.notEqual(b.align, "justify", `${where}: "${b.text}" is justified`);
    if (b.tag === "P") {
      assert.ok(b.marginBottom + b.lineHeightPx >= 1.5 * b.lineHeightPx - 0.5, `${where}: "${b.text}" paragraph spacing`);
    }
    summary.checks += 5;
  }
  for (const t of m.targets) {
    if (t.inline) continue; // WCAG 2.5.5/2.5.8 exempt links inside a sentence
    const min = t.main ? 60 : 44;
    assert.ok(t.w >= min - 0.5 && t.h >= min - 0.5, `${where}: target "${t.label}" is ${t.w.toFixed(0)}×${t.h.toFixed(0)} (< ${min}×${min})`);
    summary.checks += 1;
  }
  assert.ok(m.overflow <= 0, `${where}: horizontal scroll of ${m.overflow}px`);
}

test("every page: axe-core finds no violations and the measured sizes hold", async () => {
  summary.pages = pages.length;
  const failures = [];
  for (const vp of VIEWPORTS) {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
    await pool(pages, async (url) => {
      const page = await context.newPage();
      try {
        await page.goto(site.url + url, { waitUntil: "load" });
        const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
        summary.checks += 1;
        for (const v of axe.violations) {
          summary.violations += 1;
          failures.push(`${vp.name} ${url}: axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")}`);
        }
        try {
          checkMeasures(await measure(page), `${vp.name} ${url}`, vp);
        } catch (e) {
          failures.push(e.message);
        }
      } finally {
        await page.close();
      }
    });
    await context.close();
  }
  assert.deepEqual(failures, [], failures.join("\n"));
});

test("no horizontal scrolling at 320 px width and at 200 % text size", async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const failures = [];
  await pool(pages, async (url) => {
    const page = await context.newPage();
    await page.goto(site.url + url);
    for (const zoom of ["100%", "200%"]) {
      await page.evaluate((z) => { document.documentElement.style.fontSize = z === "100%" ? "" : "40px"; }, zoom);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      summary.checks += 1;
      if (overflow > 0) failures.push(`${url} at 320 px, text ${zoom}: ${overflow}px horizontal scroll`);
    }
    await page.close();
  });
  await context.close();
  assert.deepEqual(failures, [], failures.join("\n"));
});

test("focus rings are at least 3 px and 3:1 against the background", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const failures = [];
  for (const url of ["/", "/tactics/baojianpin/", "/hotlines/"]) {
    await page.goto(site.url + url);
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      const ring = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const s = getComputedStyle(el);
        const rgb = (c) => (c.match(/[\d.]+/g) || [0, 0, 0]).slice(0, 3).map(Number);
        const lum = ([r, g, b]) => {
          const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
          return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        let bgEl = el.parentElement, bg = "rgba(0, 0, 0, 0)";
        while (bgEl && (bg = getComputedStyle(bgEl).backgroundColor).endsWith(", 0)")) bgEl = bgEl.parentElement;
        if (!bgEl) bg = "rgb(255, 255, 255)";
        const a = lum(rgb(s.outlineColor)), b = lum(rgb(bg));
        const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        return { label: (el.textContent || "").trim().slice(0, 16), width: parseFloat(s.outlineWidth), style: s.outlineStyle, contrast };
      });
      if (!ring) continue;
      summary.checks += 1;
      if (ring.style === "none" || ring.width < 3 || ring.contrast < 3) {
        failures.push(`${url} "${ring.label}": outline ${ring.style} ${ring.width}px, contrast ${ring.contrast.toFixed(2)}`);
      }
    }
  }
  await context.close();
  assert.deepEqual(failures, [], failures.join("\n"));
});

test("the text-size control reaches 30 px by keyboard and the choice persists", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  await page.goto(site.url + "/tactics/baojianpin/");
  const buttons = page.locator("#tools button[data-size]");
  assert.ok((await buttons.count()) >= 3, "at least three size steps");
  await page.locator('#tools button[data-size="3"]').focus();
  await page.keyboard.press("Enter");
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector("main p")).fontSize));
  assert.ok((await size()) >= 30, `largest step gives ${await size()}px`);
  assert.equal(await page.locator('#tools button[data-size="3"]').getAttribute("aria-pressed"), "true");
  await page.goto(site.url + "/cases/");
  assert.ok((await size()) >= 30, "the choice persists on the next page");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `largest text scrolls sideways by ${overflow}px`);
  await page.screenshot({ path: path.join(shots, "case-list-largest-text-phone.png"), fullPage: false });
  summary.checks += 4;
  await context.close();
});

test("navigation is a disclosure that works by keyboard and without JavaScript, and marks the section", async () => {
  for (const js of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    await page.goto(site.url + "/tactics/baojianpin/");
    const summaryBox = await page.locator("details.site-menu > summary").boundingBox();
    assert.ok(summaryBox && summaryBox.width >= 60 && summaryBox.height >= 60, `menu button ${JSON.stringify(summaryBox)}`);
    assert.match(await page.locator("details.site-menu > summary").innerText(), /栏目|菜单/);
    const nav = page.locator(".site-nav a").first();
    assert.equal(await nav.isVisible(), false, "the menu starts closed");
    if (js) {
      await page.locator("details.site-menu > summary").focus();
      await page.keyboard.press("Enter");
    } else {
      await page.locator("details.site-menu > summary").click();
    }
    assert.equal(await nav.isVisible(), true, `the menu opens (${js ? "keyboard" : "no JavaScript"})`);
    const current = page.locator('.site-nav a[aria-current="page"]');
    assert.equal(await current.count(), 1, "the current section is marked");
    assert.equal(await current.innerText(), "诈骗套路");
    const rows = await page.evaluate(() => {
      const tools = document.getElementById("tools");
      if (!tools || tools.hidden) return 0;
      const tops = new Set([...tools.querySelectorAll("button")].map((b) => Math.round(b.getBoundingClientRect().top)));
      return tops.size;
    });
    assert.ok(rows <= 1, `reading settings take ${rows} rows`);
    if (js) await page.screenshot({ path: path.join(shots, "menu-open-phone.png") });
    summary.checks += 6;
    await context.close();
  }
});

test("with JavaScript off, every page has its content and the call links", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 812 } });
  const failures = [];
  await pool(pages, async (url) => {
    const page = await context.newPage();
    await page.goto(site.url + url);
    const r = await page.evaluate(() => ({
      text: document.querySelector("main")?.innerText.trim().length || 0,
      tel: [...document.querySelectorAll('a[href^="tel:"]')].filter((a) => a.getBoundingClientRect().height > 0).length,
      h1: document.querySelector("h1")?.innerText || "",
    }));
    summary.checks += 2;
    if (r.text < 10 || !r.h1) failures.push(`${url}: no content without JavaScript`);
    if (r.tel < 1) failures.push(`${url}: no visible tel: link without JavaScript`);
    await page.close();
  });
  await context.close();
  assert.deepEqual(failures, [], failures.join("\n"));
});

test("宣传物料: the copy button puts the SMS on the clipboard; without JavaScript the text is there to select", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, permissions: ["clipboard-read", "clipboard-write"] });
  const page = await context.newPage();
  await page.goto(site.url + "/materials/");
  const first = page.locator("button.copy").first();
  await first.waitFor({ state: "visible" });
  const text = (await page.locator(".sms-text").first().innerText()).trim();
  assert.ok(text.startsWith("【") && text.length <= 70, text);
  await first.click();
  await page.waitForFunction(() => document.querySelector(".copy-status")?.textContent.includes("已复制"));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);
  // 复制公众号版: the WeChat version as rich text, styles inline, ready for the WeChat editor.
  const wechat = page.locator("button.copy-wechat").first();
  const href = await wechat.getAttribute("data-wechat");
  await wechat.click();
  await page.waitForFunction((b) => b.parentNode.querySelector(".copy-status")?.textContent.includes("已复制公众号版"), await wechat.elementHandle());
  const copied = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read();
    return { types: item.types, html: await (await item.getType("text/html")).text() };
  });
  assert.ok(copied.types.includes("text/html"), `clipboard types: ${copied.types}`);
  const article = await (await fetch(site.url + href)).text();
  const h1 = /<h1[^>]*>([^<]+)</.exec(article)[1];
  assert.ok(copied.html.includes(h1), `the copied HTML holds the title ${h1}`);
  assert.ok(/style="[^"]*font-size/.test(copied.html), "the copied HTML keeps its inline styles");
  assert.ok(!/<(style|script|link)\b/.test(copied.html), "no style, script or link elements");
  await context.close();
  const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 812 } });
  const bare = await nojs.newPage();
  await bare.goto(site.url + "/materials/");
  assert.equal(await bare.locator("button.copy:visible, button.copy-wechat:visible").count(), 0, "no dead buttons without JavaScript");
  assert.ok((await bare.locator(".sms-text").first().isVisible()), "the SMS text is shown");
  summary.checks += 8;
  await nojs.close();
});

test("the offline copy works opened from disk: styles load and every internal link leads to a file", async () => {
  const dir = path.join(tmp, "offline");
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const failures = [];
  let links = 0;
  await pool(pages, async (url) => {
    const page = await context.newPage();
    const file = path.join(dir, url.endsWith("/") ? url + "index.html" : url);
    await page.goto(pathToFileURL(file).href);
    const r = await page.evaluate(() => ({
      fontSize: getComputedStyle(document.body).fontSize,
      h1: document.querySelector("h1")?.innerText || "",
      urls: [...document.querySelectorAll("a[href], link[href], script[src], img[src]")]
        .map((el) => el.href || el.src)
        .filter((u) => u.startsWith("file:")),
    }));
    if (r.fontSize !== "20px" || !r.h1) failures.push(`${url}: opened from disk without styles or content`);
    for (const u of r.urls) {
      links += 1;
      const target = fileURLToPath(u.split("#")[0]);
      if (!fs.existsSync(target) || fs.statSync(target).isDirectory()) failures.push(`${url}: ${u} is not a file`);
    }
    await page.close();
  });
  // Follow links the way a reader does: the menu, a section, an article.
  const page = await context.newPage();
  await page.goto(pathToFileURL(path.join(dir, "index.html")).href);
  await page.locator("details.site-menu > summary").click();
  await page.locator(".site-nav a", { hasText: "诈骗套路" }).click();
  // Each click starts a navigation: wait for the next page to be loaded before reading it.
  await page.waitForURL(/\/tactics\/index\.html$/);
  await page.waitForLoadState("load");
  assert.match(await page.locator("h1").innerText(), /诈骗套路/);
  await page.locator("main .card-title a").first().click();
  await page.waitForURL(/\/tactics\/[^/]+\/index\.html$/);
  await page.waitForLoadState("load");
  assert.ok(page.url().endsWith("/index.html"), page.url());
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).fontSize), "20px");
  await context.close();
  summary.checks += links + 3;
  assert.ok(links > 500, `only ${links} links checked`);
  assert.deepEqual(failures, [], failures.join("\n"));
});

/** Font size, weight and colour of the headings, paragraphs, list items and callouts of the article
 * (`kind` says which), each with its text, computed in the browser. */
async function articleStyles(page, scope) {
  return page.evaluate((scope) => {
    const root = document.querySelector(scope);
    // Without white space: the web page is minified, the WeChat version is not.
    const norm = (t) => t.replace(/\s+/g, "");
    const kinds = [["heading", "h1, h2, h3, h4"], ["paragraph", "p"], ["list", "li"], ["callout", "aside"]];
    const out = [];
    for (const [kind, sel] of kinds) {
      for (const el of root.querySelectorAll(sel)) {
        const text = norm(el.textContent);
        if (!text) continue;
        const s = getComputedStyle(el);
        out.push({ kind, tag: el.tagName, text, fontSize: s.fontSize, fontWeight: s.fontWeight, color: s.color });
      }
    }
    return out;
  }, scope);
}

test("each WeChat version looks like its web page: font size, weight and colour of headings, paragraphs, lists and callouts", async () => {
  const out = path.join(tmp, "public");
  const urls = wechatPages(out);
  assert.ok(urls.length >= 10, `WeChat versions: ${urls.length}`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The WeChat version's images are absolute addresses of the published site: never fetched here.
  await context.route((u) => !u.href.startsWith(site.url), (r) => r.abort());
  const failures = [];
  const compared = { heading: 0, paragraph: 0, list: 0, callout: 0 };
  await pool(urls, async (url) => {
    const page = await context.newPage();
    try {
      await page.goto(site.url + url, { waitUntil: "load" });
      const web = await articleStyles(page, "main article");
      await page.goto(site.url + url + "wechat.html", { waitUntil: "load" });
      const wx = await articleStyles(page, "body");
      let pairs = 0;
      for (const w of web) {
        const twin = wx.find((x) => x.kind === w.kind && x.tag === w.tag && x.text === w.text);
        if (!twin) continue;
        pairs += 1;
        compared[w.kind] += 1;
        for (const prop of ["fontSize", "fontWeight", "color"]) {
          if (twin[prop] !== w[prop]) failures.push(`${url} ${w.tag} "${w.text.slice(0, 16)}": ${prop} ${w[prop]} on the web, ${twin[prop]} in the WeChat version`);
        }
      }
      if (pairs < 2) failures.push(`${url}: only ${pairs} elements of the web page found in the WeChat version`);
      summary.checks += pairs * 3;
    } finally {
      await page.close();
    }
  });
  await context.close();
  console.log(`WeChat versions compared: ${urls.length} pages, ${JSON.stringify(compared)}`);
  for (const [kind, n] of Object.entries(compared)) assert.ok(n > 0, `no ${kind} was compared`);
  assert.deepEqual(failures, [], failures.join("\n"));
});

test("screenshots of the home, a tactic and a case page at both widths", async () => {
  for (const vp of VIEWPORTS) {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
    const page = await context.newPage();
    for (const [name, url] of [["home", "/"], ["tactic", "/tactics/baojianpin/"], ["case", "/cases/jiangzuo-baojianpin/"]]) {
      await page.goto(site.url + url);
      const file = path.join(shots, `${name}-${vp.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      assert.ok(fs.statSync(file).size > 10_000, `${file} is a real image`);
    }
    await context.close();
  }
});

test("hostile markdown runs no script in the browser", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const events = [];
  page.on("dialog", async (d) => { events.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on("console", (m) => { if (!m.text().startsWith("Failed to load resource")) events.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => events.push(`error: ${e.message}`));
  const requests = [];
  page.on("request", (r) => { if (!r.url().startsWith(hostile.url)) requests.push(r.url()); });
  await page.goto(hostile.url + "/hostile/");
  // Give any injected handler a chance to fire, and click every link.
  await page.mouse.move(10, 10);
  for (const a of await page.locator("main a, main button").all()) await a.click({ timeout: 1000, noWaitAfter: true }).catch(() => {});
  await page.goto(hostile.url + "/hostile/");
  await page.waitForTimeout(500);
  const flags = await page.evaluate(() => window.__pwned || null);
  assert.equal(flags, null, "injected code ran");
  assert.deepEqual(events, [], `script effects: ${events.join("; ")}`);
  assert.deepEqual(requests, [], `requests left the site: ${requests.join(", ")}`);
  summary.checks += 3;
  await context.close();
});

test("no request leaves the site and an article page weighs at most 15 KB gzipped", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const outside = [];
  page.on("request", (r) => { if (!r.url().startsWith(site.url) && !r.url().startsWith("data:")) outside.push(r.url()); });
  for (const url of pages) await page.goto(site.url + url);
  assert.deepEqual(outside, [], `requests to other hosts: ${outside.join(", ")}`);
  // Weight of a typical article: its HTML and every stylesheet and script it loads, each gzipped.
  const loaded = [];
  page.on("response", (r) => loaded.push(r));
  await page.goto(site.url + "/tactics/baojianpin/", { waitUntil: "networkidle" });
  let bytes = 0;
  const parts = [];
  for (const r of loaded) {
    const type = r.headers()["content-type"] || "";
    if (!/html|css|javascript/.test(type)) continue;
    const gz = zlib.gzipSync(await r.body(), { level: 9 }).length;
    bytes += gz;
    parts.push(`${new URL(r.url()).pathname} ${gz} B`);
  }
  console.log(`article page weight, gzipped: ${(bytes / 1024).toFixed(1)} KB (${parts.join(", ")})`);
  assert.ok(parts.length >= 3, "HTML, CSS and JS were all measured");
  assert.ok(bytes <= 15 * 1024, `article page weighs ${bytes} bytes gzipped`);
  summary.checks += 2;
  await context.close();
});

/** Documents of the built search index with their folded text: the ground truth for substring queries. */
function searchDocs(out) {
  const dir = path.join(out, "search", "t");
  const fold = (s) => s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replace(/\u3000/g, " ").toLowerCase();
  // Each text file holds documents as a JSON line, then `l` UTF-16 units of text and a newline.
  return fs.readdirSync(dir).flatMap((f) => {
    const t = fs.readFileSync(path.join(dir, f), "utf8");
    const docs = [];
    for (let at = 0; at < t.length; ) {
      const nl = t.indexOf("\n", at);
      const meta = JSON.parse(t.slice(at, nl));
      docs.push({ path: meta.u, text: fold(t.substr(nl + 1, meta.l)) });
      at = nl + 1 + meta.l + 1;
    }
    return docs;
  });
}
const normalizeQuery = (q) => q.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).toLowerCase().replace(/[^0-9a-z\u3007\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/g, "");

/** Type `query` into the search box and wait until every result is shown; returns the shown result paths and the status. */
async function searchFor(page, query) {
  await page.fill("#search-input", "");
  await page.type("#search-input", query);
  await page.waitForFunction(() => document.getElementById("search-results").getAttribute("aria-busy") === "false");
  while (await page.isVisible("#search-more")) {
    await page.click("#search-more");
    await page.waitForFunction(() => document.getElementById("search-results").getAttribute("aria-busy") === "false");
  }
  return page.evaluate(() => ({
    paths: [...document.querySelectorAll("#search-results .result-title a")].map((a) => new URL(a.href).pathname),
    status: document.getElementById("search-status").textContent,
    marks: [...document.querySelectorAll("#search-results mark")].map((m) => m.textContent),
  }));
}

test("search: typed short queries show exactly the pages containing them, sentences rank, results are accessible", async () => {
  const docs = searchDocs(path.join(tmp, "public"));
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  await page.goto(site.url + "/search/");
  const queries = ["骗", "钱", "公安", "养老金", "保健品", "冒充亲友", "96110", "12315", "110", "０４７２", "以 房 养 老", "鸡兔同笼", "xyzzy"];
  for (const q of queries) {
    const nq = normalizeQuery(q);
    const truth = docs.filter((d) => d.text.includes(nq)).map((d) => d.path).sort();
    await page.waitForTimeout(50);
    const shown = await searchFor(page, q);
    assert.deepEqual([...shown.paths].sort(), truth, `query "${q}": shown results differ from the pages containing it`);
    assert.ok(shown.status.includes(truth.length ? `找到 ${truth.length} 篇` : "没有找到"), `query "${q}": status "${shown.status}"`);
    for (const m of shown.marks) assert.equal(normalizeQuery(m), nq, `query "${q}": highlighted "${m}"`);
    summary.checks += 3;
  }
  // A spoken sentence ranks the telecom-fraud explainer in the top 3; the URL is shareable.
  const sentence = await searchFor(page, "有人冒充公安局打电话让我转账怎么办");
  assert.ok(sentence.paths.slice(0, 3).includes("/tactics/dianxin-zhapian/"), `sentence top 3: ${sentence.paths.slice(0, 3)}`);
  assert.ok(decodeURIComponent(page.url()).includes("?q=有人冒充公安局"), `shareable URL: ${page.url()}`);
  const status = await page.getAttribute("#search-status", "aria-live");
  assert.equal(status, "polite", "the result count is announced");
  const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  assert.deepEqual(axe.violations.map((v) => v.id), [], "axe-core on the results");
  await page.evaluate(() => scrollTo(0, 0));
  checkMeasures(await measure(page), "/search/ with results", { width: 375 });
  // ?q= opens with the results shown.
  await page.goto(site.url + "/search/?q=" + encodeURIComponent("养老金"));
  await page.waitForFunction(() => document.getElementById("search-results").getAttribute("aria-busy") === "false");
  assert.ok((await page.textContent("#search-status")).includes("养老金"), "?q= runs the query");
  summary.checks += 6;
  await context.close();
});

test("search: results appear within 100 ms of the last keystroke with the CPU throttled 4×", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(site.url + "/search/");
  const times = [];
  for (const q of ["冒充亲友", "96110", "有人冒充公安局打电话让我转账怎么办"]) {
    await searchFor(page, q); // loads the shards and result texts
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await page.fill("#search-input", "");
    // The last keystroke (seen before search.js handles it) and the next frame after the results are in the list.
    await page.evaluate(() => {
      window.__lastKey = 0;
      window.__shownAt = 0;
      document.addEventListener("input", () => { window.__lastKey = performance.now(); window.__shownAt = 0; }, true);
      const list = document.getElementById("search-results");
      new MutationObserver(() => {
        const key = window.__lastKey;
        if (list.getAttribute("aria-busy") === "false" && list.children.length) {
          requestAnimationFrame(() => { if (key === window.__lastKey) window.__shownAt = performance.now(); });
        }
      }).observe(list, { attributes: true, childList: true });
    });
    await page.type("#search-input", q);
    await page.waitForFunction(() => window.__shownAt > 0);
    await page.waitForTimeout(300);
    const ms = await page.evaluate(() => window.__shownAt - window.__lastKey);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
    times.push(`${q} ${ms.toFixed(0)} ms`);
    assert.ok(ms <= 100, `"${q}": results ${ms.toFixed(0)} ms after the last keystroke`);
  }
  console.log(`search latency with 4× CPU throttling: ${times.join(", ")}`);
  summary.checks += 3;
  await context.close();
});

test("search without JavaScript says so and offers the category and tag lists", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(site.url + "/search/?q=" + encodeURIComponent("公安"));
  assert.ok(await page.isVisible(".search-nojs"), "the page says search needs JavaScript");
  assert.match(await page.textContent(".search-nojs"), /没有开启 JavaScript，所以搜索用不了/);
  const lists = await page.locator(".search-browse h2").allTextContents();
  assert.deepEqual(lists, ["按诈骗类别查找", "按标签查找"], "category and tag lists");
  assert.ok((await page.locator(".search-browse a.tile").count()) >= 5, "links to browse by");
  summary.checks += 3;
  await context.close();
});
