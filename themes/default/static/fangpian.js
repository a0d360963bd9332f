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
