// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var summary = document.querySelector("[data-focus]");
  if (summary) { summary.focus(); }
  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  // Show the name and contact fields only to reporters who choose to give them.
  var named = document.querySelector("[data-named]");
  var radios = document.querySelectorAll("input[name=anonymous]");
  function sync() {
    var no = document.querySelector("input[name=anonymous][value=no]");
    if (named && no) { named.hidden = !no.checked; }
  }
  for (var i = 0; i < radios.length; i++) { radios[i].addEventListener("change", sync); }
  sync();

  // "Select all" ticks every case box of the page (the bulk form's own checkboxes stay
  // one by one without script).
  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      var boxes = document.querySelectorAll("input[type=checkbox][name=" + all.getAttribute("data-select-all") + "]");
      for (var i = 0; i < boxes.length; i++) { boxes[i].checked = all.checked; }
    });
  }

  // Receipts: a 21-digit receipt ends in a Damm check digit, so a mistyped digit or two swapped
  // neighbours are caught here, before the receipt is sent (the server checks again).
  var DAMM = ["0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
    "3674209581", "5869720134", "8945362017", "9438617205", "2581436790"];
  function receiptDigits(s) {
    var out = "";
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i), d = -1;
      if (c >= 48 && c <= 57) { d = c - 48; }
      else if (c >= 0xFF10 && c <= 0xFF19) { d = c - 0xFF10; }
      else if (c >= 0x660 && c <= 0x669) { d = c - 0x660; }
      else if (c >= 0x6F0 && c <= 0x6F9) { d = c - 0x6F0; }
      if (d >= 0) { out += d; }
    }
    return out;
  }
  function dammValid(ds) {
    var interim = 0;
    for (var i = 0; i < ds.length; i++) { interim = +DAMM[interim].charAt(+ds.charAt(i)); }
    return interim === 0;
  }
  var rform = document.querySelector("[data-receipt-form]");
  if (rform) {
    rform.addEventListener("submit", function (e) {
      var ds = receiptDigits(rform.elements.receipt.value);
      var msg = rform.querySelector("[data-receipt-error]");
      if (ds.length === 21 && !dammValid(ds)) {
        e.preventDefault();
        msg.textContent = rform.getAttribute("data-mistyped");
        msg.hidden = false;
        rform.elements.receipt.setAttribute("aria-invalid", "true");
        rform.elements.receipt.focus();
      } else if (msg) {
        msg.hidden = true;
      }
    });
  }

  // Proof of work: while the shared budgets are spent, the server hands out a challenge; solving
  // it (a few seconds) lets this browser through a second, separately bounded budget.
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];
  var W = new Array(64);
  // sha256First returns the first 32 bits of SHA-256 of an ASCII string.
  function sha256First(msg) {
    var n = msg.length, words = [], i;
    for (i = 0; i < n; i++) { words[i >> 2] |= msg.charCodeAt(i) << (24 - (i % 4) * 8); }
    words[n >> 2] |= 0x80 << (24 - (n % 4) * 8);
    var total = ((n + 8) >> 6) * 16 + 16;
    for (i = (n >> 2) + 1; i < total; i++) { words[i] = words[i] | 0; }
    words[total - 1] = n * 8;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a,
      h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var blk = 0; blk < total; blk += 16) {
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (var t = 0; t < 64; t++) {
        if (t < 16) { W[t] = words[blk + t] | 0; } else {
          var x = W[t - 15], y = W[t - 2];
          W[t] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
            (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) + W[t - 7] + W[t - 16] | 0;
        }
        var t1 = h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
          ((e & f) ^ (~e & g)) + K[t] + W[t] | 0;
        var t2 = (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
          ((a & b) ^ (a & c) ^ (b & c)) | 0;
        h = g; g = f; f = e; e = d + t1 | 0; d = c; c = b; b = a; a = t1 + t2 | 0;
      }
      h0 = h0 + a | 0; h1 = h1 + b | 0; h2 = h2 + c | 0; h3 = h3 + d | 0;
      h4 = h4 + e | 0; h5 = h5 + f | 0; h6 = h6 + g | 0; h7 = h7 + h | 0;
    }
    return h0 >>> 0;
  }
  var pform = document.querySelector("form[data-challenge]");
  if (pform) {
    var challenge = pform.getAttribute("data-challenge"), bits = +pform.getAttribute("data-bits");
    var status = pform.querySelector("[data-receipt-error]") || document.createElement("p");
    status.textContent = pform.getAttribute("data-working");
    status.hidden = false;
    status.setAttribute("role", "status");
    var limit = Math.pow(2, 32 - Math.min(bits, 32)), counter = 0;
    var step = function () {
      for (var i = 0; i < 20000; i++, counter++) {
        if (sha256First(challenge + ":" + counter) < limit) {
          pform.elements.proof.value = challenge + ":" + counter;
          if (pform.hasAttribute("data-autosubmit")) { pform.submit(); }
          return;
        }
      }
      setTimeout(step, 0);
    };
    setTimeout(step, 0);
  }
})();
