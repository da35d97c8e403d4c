// The web chat admin page: the snippet names this server as the admin's
// browser reaches it (behind a proxy the server cannot tell), and copies.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var code = document.getElementById("webchat-snippet");
    var copy = document.getElementById("webchat-copy");
    if (!code || !copy) { return; }
    code.textContent = code.textContent.replace(code.getAttribute("data-server"), location.origin);
    copy.addEventListener("click", function () {
      var text = code.textContent;
      var done = function () {
        var label = copy.textContent;
        copy.textContent = copy.getAttribute("data-copied");
        setTimeout(function () { copy.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
        return;
      }
      // Plain HTTP: select the text and copy it the old way.
      var range = document.createRange();
      range.selectNodeContents(code);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      if (document.execCommand("copy")) { done(); }
    });
  });
})();
