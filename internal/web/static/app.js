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
})();
