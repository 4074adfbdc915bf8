/* Arctic Situation Map: what the dashboard adds inside the map's frame, with no network.

   The map fills its frame: the page makes the frame as tall as the window allows (dashboard/asm_page.js),
   and streamlit-folium would keep the map at the height it was first given.

   Two buttons in the map's top-right corner:
   - "PNG": the map as it is on screen (zoom, pan, selection, legend) drawn to a PNG by html-to-image
     (vendor/html-to-image-*.js, MIT), which copies the page's own nodes and styles: nothing is fetched.
   - "Copy link": the address of the current view (date, projection, changes since, layout), copied
     to the clipboard; where the browser refuses, the link is shown selected, ready to copy.
   Loaded after Leaflet, it adds the buttons to every map the page makes (L.Map.addInitHook). */
(function () {
  if (!window.L || window.asmExportInstalled) { return; }
  window.asmExportInstalled = true;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function pageAddress() {
    try { return window.parent.location.href; } catch (e) { return window.location.href; }
  }

  function fileName() {
    var date = "", view = "mercator";
    try {
      var params = new URLSearchParams(window.parent.location.search);
      date = params.get("date") || "";
      view = params.get("view") || view;
    } catch (e) { /* a stand-alone page */ }
    var safe = function (text) { return String(text).replace(/[^0-9A-Za-z-]/g, ""); };
    return "arctic-situation-map" + (date ? "_" + safe(date) : "") + "_" + safe(view) + ".png";
  }

  var STYLE = [
    "html, body { margin: 0; height: 100%; overflow: hidden; }",  // the map pans; its page never scrolls (a focused symbol would shift it)
    "#map_div { height: 100vh !important; }",
    ".asm-export { background: #fff; display: flex; flex-direction: column; align-items: stretch; max-width: 16rem; }",
    ".asm-export button { font: 600 12px/1.2 system-ui, sans-serif; padding: 5px 8px; border: 0; border-bottom: 1px solid #ccc;",
    "  background: #fff; color: #1a1a1a; cursor: pointer; text-align: center; }",
    ".asm-export button:hover, .asm-export button:focus-visible { background: #f0f0f0; }",
    ".asm-export-status { font: 12px/1.3 system-ui, sans-serif; padding: 0 6px; max-width: 16rem; overflow-wrap: anywhere; }",
    ".asm-export-status:empty { display: none; }",
    ".asm-export-field { font: 12px monospace; margin: 4px; }"
  ].join("\n");

  function say(status, text) {
    status.textContent = text;
    window.clearTimeout(status.asmTimer);
    if (text) { status.asmTimer = window.setTimeout(function () { status.textContent = ""; }, 8000); }
  }

  function savePng(map, status) {
    if (!window.htmlToImage) { say(status, "PNG export is not available in this page."); return; }
    var box = map.getContainer();
    say(status, "Making the PNG…");
    window.htmlToImage.toPng(box, {
      pixelRatio: 2,
      backgroundColor: "#dbe8f1",
      filter: function (node) {
        return !(node.classList && (node.classList.contains("asm-export") || node.classList.contains("leaflet-control-zoom")));
      }
    }).then(function (url) {
      var link = el("a");
      link.href = url;
      link.download = fileName();
      document.body.appendChild(link);
      link.click();
      link.remove();
      say(status, "PNG saved: " + link.download);
    }).catch(function (error) {
      say(status, "The PNG could not be made (" + (error && error.message ? error.message : error) + ").");
    });
  }

  function copyLink(status, field) {
    var address = pageAddress();
    field.value = address;
    function shown() {
      field.hidden = false;
      field.focus();
      field.select();
      say(status, "Copy this link (Ctrl+C):");
    }
    function copied() { field.hidden = true; say(status, "Link copied: " + address); }
    var clipboard = null;
    try { clipboard = window.parent.navigator.clipboard; } catch (e) { clipboard = navigator.clipboard; }
    if (clipboard && clipboard.writeText) {
      clipboard.writeText(address).then(copied, function () {
        field.hidden = false;
        field.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        if (ok) { copied(); } else { shown(); }
      });
    } else {
      shown();
    }
  }

  L.Map.addInitHook(function () {
    var map = this;
    if (!document.getElementById("asm-export-style")) {
      var style = el("style");
      style.id = "asm-export-style";
      style.textContent = STYLE;
      document.head.appendChild(style);
    }
    var control = L.control({position: "topright"});
    control.onAdd = function () {
      var root = el("div", "asm-export leaflet-bar");
      var png = el("button", "asm-export-png", "PNG");
      png.type = "button";
      png.title = "Save the map as you see it as a PNG image (made on this machine)";
      png.setAttribute("aria-label", "PNG: save the map as you see it, as an image made on this machine");
      var link = el("button", "asm-export-link", "Copy link");
      link.type = "button";
      link.title = "Copy the address of this view: date, projection and options";
      link.setAttribute("aria-label", "Copy link to this view (date, projection and options)");
      var status = el("div", "asm-export-status");
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      var field = el("input", "asm-export-field");
      field.type = "text";
      field.readOnly = true;
      field.hidden = true;
      field.setAttribute("aria-label", "Link to this view");
      png.addEventListener("click", function () { savePng(map, status); });
      link.addEventListener("click", function () { copyLink(status, field); });
      root.appendChild(png);
      root.appendChild(link);
      root.appendChild(status);
      root.appendChild(field);
      L.DomEvent.disableClickPropagation(root);
      L.DomEvent.disableScrollPropagation(root);
      return root;
    };
    control.addTo(map);
  });
})();
