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
const paths = {};
const pathOf = (id) => {
  if (paths[id] === undefined) {
    const t = fs.readFileSync(path.join(out, "search/t", id + ".txt"), "utf8");
    paths[id] = JSON.parse(t.slice(0, t.indexOf("\n"))).u;
  }
  return paths[id];
};
const results = [];
let i = 0;
const next = () => {
  if (i === queries.length) { process.stdout.write(JSON.stringify(results)); return; }
  engine.base = "/search/";
  engine.search(queries[i++], (err, res) => {
    if (err) { console.error(String(err)); process.exit(1); }
    results.push({ mode: res.mode, paths: res.docs.map(pathOf) });
    next();
  });
};
next();
