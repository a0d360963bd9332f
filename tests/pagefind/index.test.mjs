// Pagefind (https://pagefind.app), a widely used search indexer for static sites, must index every
// page fangpian builds (issue #22: with `</head>` minified away it indexed none). Builds the example
// site into a temporary folder and runs Pagefind's Node API over it. Run: `npm ci && npm test` in
// tests/pagefind; it uses FANGPIAN_BIN, or the debug binary `cargo build` leaves in target/debug.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as pagefind from "pagefind";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const bin = process.env.FANGPIAN_BIN || path.join(repo, "target", "debug", "fangpian");

/** Every page under `dir`, as a path relative to it: the HTML files but the WeChat versions
 * (`wechat.html`, a page's copy for the WeChat editor, marked noindex: not a page of the site). */
function htmlFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(".html") && path.basename(f) !== "wechat.html")
    .sort();
}

test("Pagefind indexes every page of the example site", async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fangpian-pagefind-"));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const out = path.join(tmp, "public");
  const report = execFileSync(bin, ["build", "--no-print", "--root", repo, "--out", out], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const files = htmlFiles(out);
  const built = Number(/完成：(\d+) 个网页/.exec(report)?.[1]);
  assert.equal(files.length, built, `the build reported ${built} pages, the output has ${files.length} HTML files`);
  for (const f of files) {
    const html = fs.readFileSync(path.join(out, f), "utf8");
    assert.ok(html.includes("</head>") && html.includes("</body>"), `${f} lacks </head> or </body>`);
  }

  const { index, errors } = await pagefind.createIndex();
  assert.deepEqual(errors, []);
  try {
    for (const f of files) {
      const added = await index.addHTMLFile({ sourcePath: f, content: fs.readFileSync(path.join(out, f), "utf8") });
      assert.deepEqual(added.errors, [], f);
    }
    // Pagefind's answers count the files it read; the pages it indexed are those in
    // the index it writes (its CLI's "Indexed N pages"): the languages' counts in pagefind-entry.json.
    const { files: written } = await index.getFiles();
    const entry = written.find((f) => f.path === "pagefind-entry.json");
    const languages = Object.values(JSON.parse(Buffer.from(entry.content).toString("utf8")).languages);
    const indexed = languages.reduce((sum, l) => sum + l.page_count, 0);
    console.log(`Pagefind indexed ${indexed} of ${files.length} pages`);
    assert.equal(indexed, files.length);
  } finally {
    await pagefind.close();
  }
});
