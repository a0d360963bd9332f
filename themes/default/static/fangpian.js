/* fangpian: optional enhancements (text size, high contrast, read-aloud). The site works without it. */
(function () {
  "use strict";
  var root = document.documentElement;
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var tools = document.getElementById("tools");
    if (tools) {
      tools.hidden = false;
      var sizeButtons = tools.querySelectorAll("button[data-size]");
      var current = root.getAttribute("data-size") || "1";
      var mark = function (size) {
        for (var i = 0; i < sizeButtons.length; i++) {
          sizeButtons[i].setAttribute("aria-pressed", String(sizeButtons[i].getAttribute("data-size") === size));
        }
      };
      mark(current);
      for (var i = 0; i < sizeButtons.length; i++) {
        sizeButtons[i].addEventListener("click", function () {
          var size = this.getAttribute("data-size");
          root.setAttribute("data-size", size);
          store("fp-size", size);
          mark(size);
        });
      }
      var contrast = document.getElementById("contrast-toggle");
      if (contrast) {
        contrast.setAttribute("aria-pressed", String(root.getAttribute("data-contrast") === "high"));
        contrast.addEventListener("click", function () {
          var on = root.getAttribute("data-contrast") !== "high";
          if (on) root.setAttribute("data-contrast", "high"); else root.removeAttribute("data-contrast");
          store("fp-contrast", on ? "1" : "0");
          contrast.setAttribute("aria-pressed", String(on));
        });
      }
    }
    // Copy buttons (宣传物料): without them the text stays visible and selectable.
    var copies = document.querySelectorAll("button.copy[data-copy]");
    for (var k = 0; k < copies.length; k++) {
      (function (btn) {
        var source = document.getElementById(btn.getAttribute("data-copy"));
        var status = btn.parentNode.querySelector(".copy-status");
        var say = function (text) { if (status) status.textContent = text; };
        if (!source) return;
        btn.hidden = false;
        btn.addEventListener("click", function () {
          var text = source.textContent.trim();
          var fallback = function () {
            var range = document.createRange();
            range.selectNodeContents(source);
            var sel = window.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
            var ok = false;
            try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
            say(ok ? "已复制，可以粘贴到短信里了" : "已选中文字，请长按后选“复制”");
          };
          if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(text).then(function () { say("已复制，可以粘贴到短信里了"); }, fallback);
          } else {
            fallback();
          }
        });
      })(copies[k]);
    }
    // 复制公众号版 (宣传物料): the WeChat version with its inline styles, as rich text for the
    // WeChat editor. Without JavaScript the 微信公众号版 link opens it to copy by hand.
    var wechats = window.Promise && window.DOMParser ? document.querySelectorAll("button.copy-wechat[data-wechat]") : [];
    for (var w = 0; w < wechats.length; w++) {
      (function (btn) {
        var status = btn.parentNode.querySelector(".copy-status");
        var say = function (text) { if (status) status.textContent = text; };
        btn.hidden = false;
        btn.addEventListener("click", function () {
          var done = "已复制公众号版，可以粘贴到公众号编辑器里了";
          var failed = function () { say("没能复制，请点“微信公众号版”打开后全选复制"); };
          var fetched = new Promise(function (resolve, reject) {
            var r = new XMLHttpRequest();
            r.open("GET", btn.getAttribute("data-wechat"));
            r.onload = function () {
              if (r.status !== 200) return reject(new Error(String(r.status)));
              var doc = new DOMParser().parseFromString(r.responseText, "text/html");
              resolve({ html: doc.body.innerHTML, text: doc.body.innerText || doc.body.textContent });
            };
            r.onerror = reject;
            r.send();
          });
          if (navigator.clipboard && navigator.clipboard.write && window.ClipboardItem && window.isSecureContext) {
            var blob = function (type) {
              return fetched.then(function (a) { return new Blob([type === "text/html" ? a.html : a.text], { type: type }); });
            };
            navigator.clipboard.write([new ClipboardItem({ "text/html": blob("text/html"), "text/plain": blob("text/plain") })])
              .then(function () { say(done); }, failed);
            return;
          }
          fetched.then(function (a) {
            var holder = document.createElement("div");
            holder.setAttribute("style", "position:fixed;left:-9999px;top:0");
            holder.innerHTML = a.html;
            document.body.appendChild(holder);
            var range = document.createRange();
            range.selectNodeContents(holder);
            var sel = window.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
            var ok = false;
            try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
            sel.removeAllRanges();
            document.body.removeChild(holder);
            if (ok) say(done); else failed();
          }, failed);
        });
      })(wechats[w]);
    }
    var synth = window.speechSynthesis;
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return;
    var buttons = document.querySelectorAll("button.speak");
    for (var j = 0; j < buttons.length; j++) {
      (function (btn) {
        var article = document.getElementById(btn.getAttribute("data-speak")) || document.querySelector("main");
        btn.hidden = false;
        var label = btn.querySelector(".speak-label");
        var stop = function () { synth.cancel(); btn.setAttribute("aria-pressed", "false"); if (label) label.textContent = "朗读全文"; };
        btn.addEventListener("click", function () {
          if (btn.getAttribute("aria-pressed") === "true") { stop(); return; }
          var body = article.querySelector("[data-speak-body]") || article;
          var title = article.querySelector("h1");
          var u = new SpeechSynthesisUtterance((title ? title.textContent + "。" : "") + body.innerText);
          u.lang = root.lang || "zh-CN";
          u.rate = 0.9;
          u.onend = stop;
          synth.cancel();
          synth.speak(u);
          btn.setAttribute("aria-pressed", "true");
          if (label) label.textContent = "停止朗读";
        });
      })(buttons[j]);
    }
  });
})();
