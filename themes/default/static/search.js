/* fangpian search: reads the index that `fangpian build` writes under /search/ (see src/search.rs).
   Plain ES5 with callbacks and XMLHttpRequest, for old phones. Short queries (up to four Han
   characters, numbers, Latin words) find exactly the pages containing them; sentences are ranked. */
(function (global) {
  "use strict";

  function fold(c) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (c === 0x3000) return 0x20;
    if (c >= 0x41 && c <= 0x5A) return c + 32;
    return c;
  }
  function isWord(c) {
    return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c === 0x3007 ||
      (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF);
  }
  function foldChar(ch) { return String.fromCharCode(fold(ch.charCodeAt(0))); }
  /* Same length as s: only the characters that fold are replaced. */
  function foldText(s) { return s.replace(/[A-Z\u3000\uFF01-\uFF5E]/g, foldChar); }
  /* The query as the index sees it: folded, only word characters. */
  function normalize(q) {
    return foldText(q).replace(/[^0-9a-z\u3007\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/g, "");
  }
  function hanCount(q) {
    var n = 0;
    for (var i = 0; i < q.length; i++) if (q.charCodeAt(i) > 0x7A) n++;
    return n;
  }
  function shardOf(gram, n) {
    var h = 0;
    for (var i = 0; i < gram.length; i++) h = (h * 31 + gram.charCodeAt(i)) % 2147483647;
    return h % n;
  }
  /* Numbers are base 32 without separators: every digit but the last from MORE, the last from
     FINAL. A list holds deltas; deltas(s) gives the running sums. */
  var FINAL = "0123456789abcdefghijklmnopqrstuv", MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz-_";
  var DIGIT = {};
  for (var digit = 0; digit < 32; digit++) {
    DIGIT[FINAL.charAt(digit)] = digit;
    DIGIT[MORE.charAt(digit)] = digit + 32;
  }
  function deltas(s) {
    var out = [], prev = 0, n = 0;
    if (!s) return out;
    for (var i = 0; i < s.length; i++) {
      var v = DIGIT[s.charAt(i)];
      if (v >= 32) { n = n * 32 + v - 32; continue; }
      prev += n * 32 + v;
      out.push(prev);
      n = 0;
    }
    return out;
  }
  function bigrams(q) {
    var out = [];
    for (var i = 0; i + 1 < q.length; i++) out.push(q.substr(i, 2));
    return out;
  }
  function unique(list) {
    var seen = {}, out = [];
    for (var i = 0; i < list.length; i++) if (!seen[list[i]]) { seen[list[i]] = 1; out.push(list[i]); }
    return out;
  }

  /* `load(path, callback(error, text))` fetches a file of the index. */
  function Engine(load, base) {
    this.load = load;
    this.base = base || "/search/";
    this.files = {};
    this.waiting = {};
  }
  Engine.prototype.get = function (path, cb) {
    var self = this;
    if (Object.prototype.hasOwnProperty.call(this.files, path)) return cb(null, this.files[path]);
    if (this.waiting[path]) return this.waiting[path].push(cb);
    this.waiting[path] = [cb];
    this.load(this.base + path, function (err, text) {
      var list = self.waiting[path];
      delete self.waiting[path];
      if (!err) self.files[path] = text;
      for (var i = 0; i < list.length; i++) list[i](err, text);
    });
  };
  /* Fetch several files at once; cb(error, texts in the same order). */
  Engine.prototype.getAll = function (paths, cb) {
    var left = paths.length, out = [], failed = null;
    if (!left) return cb(null, out);
    for (var i = 0; i < paths.length; i++) {
      (function (i) {
        this.get(paths[i], function (err, text) {
          if (err) failed = err;
          out[i] = text;
          if (--left === 0) cb(failed, out);
        });
      }).call(this, i);
    }
  };
  Engine.prototype.meta = function (cb) {
    this.get("index.json", function (err, text) {
      if (err) return cb(err);
      try { cb(null, JSON.parse(text)); } catch (e) { cb(e); }
    });
  };
  /* The lines for `grams` in shard files under `dir` with `n` shards: { gram: rest of line }. */
  Engine.prototype.lines = function (grams, dir, n, cb) {
    var paths = [];
    for (var i = 0; i < grams.length; i++) paths.push(dir + "/" + shardOf(grams[i], n) + ".txt");
    this.getAll(paths, function (err, texts) {
      if (err) return cb(err);
      var found = {};
      for (var i = 0; i < grams.length; i++) {
        var t = texts[i], at = t.indexOf(grams[i] + "\t");
        while (at > 0 && t.charAt(at - 1) !== "\n") at = t.indexOf(grams[i] + "\t", at + 1);
        if (at < 0) continue;
        var end = t.indexOf("\n", at);
        found[grams[i]] = t.substring(at + grams[i].length + 1, end < 0 ? t.length : end);
      }
      cb(null, found);
    });
  };
  /* { gram: { docs: [...], head: {doc: true} } } for the grams that occur. */
  Engine.prototype.postings = function (grams, meta, cb) {
    var parsed = this.parsed || (this.parsed = {});
    this.lines(grams, "s", meta.s, function (err, found) {
      if (err) return cb(err);
      var out = {};
      for (var g in found) {
        if (!parsed[g]) {
          var parts = found[g].split("\t"), head = {}, h = deltas(parts[1]);
          for (var i = 0; i < h.length; i++) head[h[i]] = true;
          parsed[g] = { docs: deltas(parts[0]), head: head };
        }
        out[g] = parsed[g];
      }
      cb(null, out);
    });
  };
  /* { gram: { doc: "positions" } } (positions parsed on demand). A positions line lists the
     positions in each document of the gram's postings (`post`), in the same order. */
  Engine.prototype.positions = function (grams, post, meta, cb) {
    var parsed = this.parsedPos || (this.parsedPos = {});
    this.lines(grams, "p", meta.p, function (err, found) {
      if (err) return cb(err);
      var out = {};
      for (var g in found) {
        if (parsed[g]) { out[g] = parsed[g]; continue; }
        var entries = found[g].split(";"), map = {}, docs = post[g].docs;
        for (var i = 0; i < entries.length; i++) map[docs[i]] = entries[i];
        out[g] = parsed[g] = map;
      }
      cb(null, out);
    });
  };

  /* The documents in every list (lists sorted), in document order. */
  function intersect(lists, n) {
    var count = new Uint8Array(n), out = [], i, k;
    for (k = 0; k < lists.length; k++) for (i = 0; i < lists[k].length; i++) count[lists[k][i]]++;
    for (i = 0; i < n; i++) if (count[i] === lists.length) out.push(i);
    return out;
  }

  /* Exact search: the documents whose text contains q (normalized), title and warning-sign hits first. */
  Engine.prototype.exact = function (q, meta, cb) {
    var self = this, grams = q.length === 1 ? [q] : unique(bigrams(q));
    this.postings(grams, meta, function (err, post) {
      if (err) return cb(err);
      var lists = [];
      for (var i = 0; i < grams.length; i++) {
        if (!post[grams[i]]) return cb(null, []);
        lists.push(post[grams[i]].docs);
      }
      var cands = intersect(lists, meta.n);
      var finish = function (docs) {
        var head = [], rest = [];
        for (var i = 0; i < docs.length; i++) {
          var inHead = true;
          for (var k = 0; k < grams.length; k++) if (!post[grams[k]].head[docs[i]]) inHead = false;
          (inHead ? head : rest).push(docs[i]);
        }
        cb(null, head.concat(rest));
      };
      if (q.length <= 2 || !cands.length) return finish(cands);
      self.positions(unique(cover(q)), post, meta, function (err, pos) {
        if (err) return cb(err);
        finish(verify(q, cands, pos));
      });
    });
  };

  /* Offsets of bigrams that together cover q: 0, 2, 4 … and the last one. A document contains q
     exactly when these occur at those offsets from one start (fewer positions to fetch). */
  function coverAt(q) {
    var at = [];
    for (var i = 0; i + 1 < q.length; i += 2) at.push(i);
    if (at[at.length - 1] !== q.length - 2) at.push(q.length - 2);
    return at;
  }
  function cover(q) {
    var at = coverAt(q), out = [];
    for (var i = 0; i < at.length; i++) out.push(q.substr(at[i], 2));
    return out;
  }

  /* Keep the documents where the covering bigrams of q occur at their offsets from one start. */
  function verify(q, cands, pos) {
    var out = [], at = coverAt(q), grams = cover(q);
    for (var i = 0; i < cands.length; i++) {
      var d = cands[i], sets = [];
      for (var k = 0; k < grams.length; k++) {
        var set = {}, list = deltas(pos[grams[k]][d]);
        for (var j = 0; j < list.length; j++) set[list[j]] = true;
        sets.push(set);
      }
      var starts = deltas(pos[grams[0]][d]), ok = false;
      for (j = 0; j < starts.length && !ok; j++) {
        ok = true;
        for (k = 1; k < grams.length && ok; k++) ok = !!sets[k][starts[j] + at[k]];
      }
      if (ok) out.push(d);
    }
    return out;
  }

  /* Ranked search for sentences: BM25-style bigram overlap (tf taken as 1), title and warning-sign
     hits weighted 3×, plus a bonus for the longest chain of consecutive query bigrams a page has. */
  Engine.prototype.ranked = function (q, meta, cb) {
    var grams = bigrams(q), distinct = unique(grams), n = meta.n;
    this.postings(distinct, meta, function (err, post) {
      if (err) return cb(err);
      var score = new Float64Array(n), run = new Float64Array(n), best = new Float64Array(n);
      var len = new Uint16Array(n), last = new Int16Array(n), idf = {}, docs = [], d, i, k, p;
      for (i = 0; i < n; i++) last[i] = -2;
      for (i = 0; i < distinct.length; i++) {
        p = post[distinct[i]];
        if (!p) continue;
        idf[distinct[i]] = Math.log(1 + (n - p.docs.length + 0.5) / (p.docs.length + 0.5));
        for (k = 0; k < p.docs.length; k++) {
          d = p.docs[k];
          if (score[d] === 0) docs.push(d);
          score[d] += idf[distinct[i]] * (p.head[d] ? 3 : 1);
        }
      }
      /* Chains: a document continues its chain when it also has the next bigram of the query. */
      for (k = 0; k < grams.length; k++) {
        p = post[grams[k]];
        if (!p) continue;
        for (i = 0; i < p.docs.length; i++) {
          d = p.docs[i];
          if (last[d] === k - 1) { run[d] += idf[grams[k]]; len[d]++; } else { run[d] = idf[grams[k]]; len[d] = 1; }
          last[d] = k;
          if (len[d] >= 2 && run[d] > best[d]) best[d] = run[d];
        }
      }
      var total = {};
      for (i = 0; i < docs.length; i++) total[docs[i]] = score[docs[i]] + 1.5 * best[docs[i]];
      docs.sort(function (a, b) { return total[b] - total[a] || a - b; });
      cb(null, docs, total);
    });
  };

  /* A document: { u, t, k, d, h, l, text, folded }. Text file N holds documents N × t to
     N × t + t − 1 (t from index.json, 1 if absent), each as a JSON line and then its text of
     l UTF-16 units and a newline; all of them are kept once the file is loaded. */
  Engine.prototype.doc = function (id, cb) {
    var self = this, docs = this.docs || (this.docs = {});
    if (docs[id]) return cb(null, docs[id]);
    this.meta(function (err, meta) {
      if (err) return cb(err);
      var per = meta.t || 1, file = Math.floor(id / per);
      self.get("t/" + file + ".txt", function (err, text) {
        if (err) return cb(err);
        if (!docs[id]) {
          try { readTexts(text, file * per, docs); } catch (e) { return cb(e); }
        }
        if (!docs[id]) return cb(new Error("search: no text for document " + id));
        cb(null, docs[id]);
      });
    });
  };
  function readTexts(text, first, docs) {
    for (var at = 0, id = first; at < text.length; id++) {
      var nl = text.indexOf("\n", at);
      if (nl < 0) break;
      var doc = JSON.parse(text.substring(at, nl));
      doc.id = id;
      doc.text = text.substr(nl + 1, doc.l);
      doc.folded = foldText(doc.text);
      if (!docs[id]) docs[id] = doc;
      at = nl + 1 + doc.l + 1;
    }
  }

  /* The longest substring of q found in the folded text: { at, length } (length 0 when none). */
  function longestRun(q, folded) {
    var best = { at: -1, length: 0 };
    for (var i = 0; i < q.length; i++) {
      for (var j = q.length; j - i > best.length; j--) {
        var at = folded.indexOf(q.substring(i, j));
        if (at >= 0) { best = { at: at, length: j - i }; break; }
      }
    }
    return best;
  }

  /* Run a query: cb(error, { mode, query, docs }). Sentence results have their first pages re-ranked
     by the longest exact run they contain, once those pages are loaded. */
  Engine.prototype.search = function (query, cb) {
    var self = this, q = normalize(query);
    if (!q) return cb(null, { mode: "empty", query: q, docs: [] });
    this.meta(function (err, meta) {
      if (err) return cb(err);
      if (hanCount(q) <= 4) {
        return self.exact(q, meta, function (err, docs) {
          cb(err, { mode: "exact", query: q, docs: docs || [] });
        });
      }
      self.ranked(q, meta, function (err, docs, score) {
        if (err) return cb(err);
        var top = docs.slice(0, 10), loaded = [], left = top.length;
        if (!left) return cb(null, { mode: "ranked", query: q, docs: docs });
        for (var i = 0; i < top.length; i++) {
          (function (i) {
            self.doc(top[i], function (err, doc) {
              var run = err ? 0 : longestRun(q, doc.folded).length;
              loaded[i] = { id: top[i], s: score[top[i]] * (1 + 0.15 * Math.max(0, run - 2)) };
              if (--left) return;
              loaded.sort(function (a, b) { return b.s - a.s || a.id - b.id; });
              var out = [];
              for (var k = 0; k < loaded.length; k++) out.push(loaded[k].id);
              cb(null, { mode: "ranked", query: q, docs: out.concat(docs.slice(10)) });
            });
          })(i);
        }
      });
    });
  };

  /* Where to cut the snippet of `doc` for query q: { at, length } of the highlighted match. */
  function matchIn(doc, q, mode) {
    var f = doc.folded, at = f.indexOf(q, doc.h);
    if (at < 0) at = f.indexOf(q);
    if (mode === "exact" && at >= 0) return { at: at, length: q.length };
    var run = longestRun(q, f.substring(doc.h));
    if (run.length >= 2) return { at: run.at + doc.h, length: run.length };
    return longestRun(q, f);
  }

  var api = { Engine: Engine, normalize: normalize, foldText: foldText, shardOf: shardOf,
    longestRun: longestRun, matchIn: matchIn };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; return; }

  /* ---- The page ---- */
  function xhr(path, cb) {
    var r = new XMLHttpRequest();
    r.open("GET", path, true);
    r.onreadystatechange = function () {
      if (r.readyState !== 4) return;
      if (r.status === 200) cb(null, r.responseText); else cb(new Error(path + " " + r.status));
    };
    r.send();
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.appendChild(document.createTextNode(text));
    return e;
  }
  function snippet(doc, q, mode) {
    var p = el("p", "result-snippet"), m = matchIn(doc, q, mode), t = doc.text;
    if (m.length <= 0) {
      p.appendChild(document.createTextNode(t.substring(doc.h, doc.h + 80).replace(/\s+/g, " ")));
      return p;
    }
    var from = Math.max(m.at - 30, 0), to = Math.min(m.at + m.length + 50, t.length);
    var before = t.substring(from, m.at), after = t.substring(m.at + m.length, to);
    p.appendChild(document.createTextNode((from > 0 ? "…" : "") + before.replace(/\s+/g, " ")));
    p.appendChild(el("mark", "", t.substring(m.at, m.at + m.length)));
    p.appendChild(document.createTextNode(after.replace(/\s+/g, " ") + (to < t.length ? "…" : "")));
    return p;
  }
  function item(doc, q, mode) {
    var li = el("li", "result");
    var h = el("h2", "result-title"), a = el("a", "", doc.t);
    a.href = doc.u;
    h.appendChild(a);
    li.appendChild(h);
    var info = el("div", "result-meta");
    info.appendChild(el("span", "badge", doc.k));
    if (doc.d) { var time = el("time", "", doc.d); time.setAttribute("datetime", doc.d); info.appendChild(time); }
    li.appendChild(info);
    li.appendChild(snippet(doc, q, mode));
    return li;
  }

  function start() {
    var form = document.getElementById("search-form");
    if (!form) return;
    var input = document.getElementById("search-input"), status = document.getElementById("search-status");
    var list = document.getElementById("search-results"), more = document.getElementById("search-more");
    var engine = new Engine(xhr, form.getAttribute("data-index")), current = null, shown = 0, seq = 0;
    form.className += " search-ready";
    function showMore(count) {
      var ids = current.docs.slice(shown, shown + count), my = seq, docs = [], left = ids.length;
      shown += ids.length;
      more.hidden = true;
      if (!left) return list.setAttribute("aria-busy", "false");
      /* Busy until this batch is in the list, also after "show more". */
      list.setAttribute("aria-busy", "true");
      for (var i = 0; i < ids.length; i++) {
        (function (i) {
          engine.doc(ids[i], function (err, doc) {
            docs[i] = err ? null : doc;
            if (--left || my !== seq) return;
            for (var k = 0; k < docs.length; k++) if (docs[k]) list.appendChild(item(docs[k], current.query, current.mode));
            more.hidden = shown >= current.docs.length;
            list.setAttribute("aria-busy", "false");
          });
        })(i);
      }
    }
    function run(query, push) {
      var my = ++seq;
      if (push && global.history && history.replaceState) {
        history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : location.pathname);
      }
      /* Busy from the keystroke on: the list still shows the previous query's results. */
      list.setAttribute("aria-busy", "true");
      engine.search(query, function (err, res) {
        if (my !== seq) return;
        list.innerHTML = "";
        shown = 0;
        current = res;
        if (err || res.mode === "empty") {
          status.textContent = err ? "搜索暂时用不了，请刷新页面再试，或者按下面的分类查找。" : "";
          more.hidden = true;
          list.setAttribute("aria-busy", "false");
          return;
        }
        var n = res.docs.length, shownQuery = "“" + query.replace(/^\s+|\s+$/g, "") + "”";
        status.textContent = n === 0 ? "没有找到含有" + shownQuery + "的文章。可以换个说法，或者少输几个字。"
          : res.mode === "exact" ? "找到 " + n + " 篇含有" + shownQuery + "的文章。"
          : "找到 " + n + " 篇相关文章，最相关的在前面。";
        showMore(10);
      });
    }
    more.addEventListener("click", function () { showMore(10); });
    form.addEventListener("submit", function (e) { e.preventDefault(); run(input.value, true); });
    input.addEventListener("input", function () {
      run(input.value, true);
    });
    var m = /[?&]q=([^&]*)/.exec(location.search);
    if (m) {
      var q = "";
      try { q = decodeURIComponent(m[1].replace(/\+/g, " ")); } catch (e) { q = m[1]; }
      input.value = q;
      run(q, false);
    }
  }
  if (document.readyState !== "loading") start(); else document.addEventListener("DOMContentLoaded", start);
})(this);
