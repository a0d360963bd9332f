// Runs the theme's search.js in node against an index written by `fangpian build`.
// Usage: node run.cjs OUTDIR < queries.json  →  prints, for each query, { mode, paths } (paths in result order).
"use strict";
const fs = require("fs");
const path = require("path");
const search = require(path.join(__dirname, "../../themes/default/static/search.js"));
const out = process.argv[2];
const load = (p, cb) => {
  let text;
  try { text = fs.readFileSync(path.join(out, p), "utf8"); } catch (e) { return cb(e); }
  cb(null, text);
};
const queries = JSON.parse(fs.readFileSync(0, "utf8"));
const engine = new search.Engine(load, "/");
const results = [];
let i = 0;
// Result paths come from the engine's own document files (several documents may share one).
const pathsOf = (ids, cb) => {
  const paths = new Array(ids.length);
  let left = ids.length;
  if (!left) return cb(paths);
  ids.forEach((id, k) => engine.doc(id, (err, doc) => {
    if (err) { console.error(String(err)); process.exit(1); }
    paths[k] = doc.u;
    if (--left === 0) cb(paths);
  }));
};
const next = () => {
  if (i === queries.length) { process.stdout.write(JSON.stringify(results)); return; }
  engine.base = "/search/";
  engine.search(queries[i++], (err, res) => {
    if (err) { console.error(String(err)); process.exit(1); }
    pathsOf(res.docs, (paths) => {
      results.push({ mode: res.mode, paths });
      next();
    });
  });
};
next();
