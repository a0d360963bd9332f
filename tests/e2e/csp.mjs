// Content-Security-Policy check for the nginx setup (tests/nginx/check.sh): opens every page of a built
// site through nginx in Debian's headless Chromium, scrolls it, opens the menu and uses the text-size
// control, and fails on any CSP violation, console error, page error or failed request.
// Usage: node csp.mjs BASE_URL PUBLIC_DIR
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const [base, publicDir] = process.argv.slice(2);
if (!base || !publicDir) {
  console.error("usage: node csp.mjs BASE_URL PUBLIC_DIR");
  process.exit(2);
}

function pages(dir, rel = "") {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.posix.join(rel, e.name);
    if (e.isDirectory()) out.push(...pages(dir, r));
    else if (e.name === "index.html") out.push("/" + rel + (rel ? "/" : ""));
  }
  return out.sort();
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const problems = [];
let checked = 0;
let headerSeen = 0;
try {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));
  });
  const page = await context.newPage();
  // Responses with an error status are reported with their address (below); Chromium's console
  // line for them ("Failed to load resource") does not name it.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`${page.url()}: console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/no-such-page/")) problems.push(`${page.url()}: HTTP ${r.status()} for ${r.url()}`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()}: page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`${page.url()}: request failed: ${r.url()}`));
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) problems.push(`${page.url()}: external request ${r.url()}`); });
  for (const p of [...pages(publicDir), "/no-such-page/"]) {
    const res = await page.goto(base + p, { waitUntil: "load" });
    if ((res.headers()["content-security-policy"] || "").includes("default-src 'none'")) headerSeen++;
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const menu = page.locator("details.site-menu summary");
    if (await menu.count()) await menu.first().click();
    // The text-size and contrast buttons store a choice that the inline script applies on the next page.
    const size = page.locator("#tools button[data-size]");
    if (await size.count()) await size.last().click();
    const contrast = page.locator("#contrast-toggle");
    if (checked === 0 && await contrast.count()) await contrast.click();
    await page.waitForTimeout(50);
    for (const v of await page.evaluate(() => window.__csp)) problems.push(`${p}: CSP violation: ${v}`);
    checked++;
  }
} finally {
  await browser.close();
}
console.log(`Chromium: ${checked} pages opened through nginx, ${headerSeen} with the CSP header, ${problems.length} problems`);
for (const p of problems) console.log("FAIL " + p);
process.exit(problems.length === 0 && headerSeen === checked ? 0 : 1);
