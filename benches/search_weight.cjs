// Transfer and time of search queries against a built site, as the search page makes them: the
// index files a query fetches plus the texts of the first 10 results, gzip-compressed (level 6,
// as web servers send them). Usage: node benches/search_weight.cjs OUTDIR [query …]
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const search = require(path.join(__dirname, "../themes/default/static/search.js"));
const out = process.argv[2];
const queries = process.argv.slice(3).length ? process.argv.slice(3) : [
  "骗", "公安", "转账", "保健品", "冒充亲友", "96110", "110", "app",
  "有人冒充公安局打电话让我转账怎么办", "孙子打电话说出车祸了急着要钱",
];
const gz = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 6 }).length;
const rows = [];
const run = (i) => {
  if (i === queries.length) {
    console.log("query | mode | results | files | KB gzip (first query, cold cache) | ms (warm, node)");
    for (const r of rows) console.log(r.join(" | "));
    return;
  }
  let fetched = [];
  const load = (p, cb) => { fetched.push(p); let t; try { t = fs.readFileSync(path.join(out, p), "utf8"); } catch (e) { return cb(e); } cb(null, t); };
  const engine = new search.Engine(load, "/search/");
  engine.search(queries[i], (err, res) => {
    if (err) throw err;
    let left = Math.min(10, res.docs.length);
    const done = () => {
      const bytes = fetched.reduce((n, p) => n + gz(path.join(out, p)), 0);
      // Warm: the same query again with every file cached (what a keystroke costs once shards are loaded).
      const t0 = process.hrtime.bigint();
      engine.search(queries[i], () => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        rows.push([queries[i], res.mode, res.docs.length, fetched.length, (bytes / 1024).toFixed(1), ms.toFixed(1)]);
        run(i + 1);
      });
    };
    if (!left) return done();
    for (const id of res.docs.slice(0, 10)) engine.doc(id, () => { if (--left === 0) done(); });
  });
};
run(0);
