// The WhatsApp page: while a pairing runs, show each new QR code (they
// change every 20 seconds or so) and the result, by reloading the page.
(function () {
  "use strict";
  if (document.getElementById("wa-pairing")) {
    setTimeout(function () { location.reload(); }, 3000);
  }
})();
