/* Arctic Situation Map: the page's own behaviour, installed once per page (dashboard/app.py).

   - Presenter keys from anywhere on the page, except inside a text input: → PageDown Space step
     forward, ← PageUp step back, Home and End go to the first and last date (the same buttons a mouse
     uses, so a step is exactly a click). Inside the map, arrows stay Leaflet's (they pan the map);
     PageDown, PageUp, Space, Home and End still step, which covers presentation clickers.
   - The map fills the window's height below its top edge (--asm-map-height), and the event list
     beside it scrolls within what is left.
   - One selection shared by the map, the timeline and the event table: choosing a record in one
     highlights it in the others (the map's side is window.asm.select in geo/static/asm_map.js).
   - Briefing stops frame the map: a stop with a centre sets it, one without releases the map to the
     whole situation (signalled by the page in .asm-signal; the map's zoom is otherwise never touched).

   No record text is handled here: only record ids, which are compared, never written as HTML. */
(function () {
  if (window.asmPage) { return; }
  var doc = document;
  var MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]';
  var STEP_BUTTONS = {next: "step-next", previous: "step-previous", first: "step-first", last: "step-last"};
  var selected = null;
  var lastSignal = null;

  function mapFrame() { return doc.querySelector(MAP_FRAME); }

  function mapWindow() {
    var frame = mapFrame();
    try { return frame && frame.contentWindow && frame.contentWindow.asmMap ? frame.contentWindow : null; } catch (e) { return null; }
  }

  function press(action) {
    var button = doc.querySelector(".st-key-" + STEP_BUTTONS[action] + " button");
    if (button && !button.disabled) { button.click(); return true; }
    return false;
  }

  function isTextEntry(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || target.isContentEditable) { return true; }
    if (tag === "input") {
      var type = (target.getAttribute("type") || "text").toLowerCase();
      return ["checkbox", "radio", "button", "submit", "range"].indexOf(type) < 0;
    }
    return false;
  }

  function actionFor(event, insideMap) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return null; }
    switch (event.key) {
      case "PageDown": case " ": case "Spacebar": return "next";
      case "PageUp": return "previous";
      case "ArrowRight": return insideMap ? null : "next";
      case "ArrowLeft": return insideMap ? null : "previous";
      case "Home": return "first";
      case "End": return "last";
      default: return null;
    }
  }

  function onKey(event, insideMap) {
    var target = event.target;
    if (isTextEntry(target)) { return; }
    /* A focused slider handle or open list box moves with the arrows itself. */
    var role = target && target.getAttribute ? target.getAttribute("role") : null;
    if (!insideMap && (role === "slider" || role === "listbox" || role === "option" || role === "combobox") &&
        event.key !== "PageDown" && event.key !== "PageUp") { return; }
    var action = actionFor(event, insideMap);
    if (!action) { return; }
    event.preventDefault();
    event.stopPropagation();
    press(action);
  }

  doc.addEventListener("keydown", function (event) { onKey(event, false); }, true);

  /* ---------------------------------------------------------------- layout: the map fills the window */
  /* Where `node` starts in the page as laid out, however far the reader has scrolled: Streamlit
     scrolls its main container, not the window, so the scroll offsets of every ancestor count. */
  function pageTop(node) {
    var top = node.getBoundingClientRect().top + window.scrollY;
    for (var up = node.parentElement; up; up = up.parentElement) { top += up.scrollTop; }
    return top;
  }

  /* Written only when it changes: a new value restyles the whole page (a custom property on the root). */
  var written = {};
  function setHeight(name, pixels) {
    var value = pixels + "px";
    if (written[name] === value) { return; }
    written[name] = value;
    doc.documentElement.style.setProperty(name, value);
  }

  function fit() {
    var frame = mapFrame();
    if (frame) {
      var top = pageTop(frame);
      var height = Math.max(320, Math.floor(window.innerHeight - top - 12));
      setHeight("--asm-map-height", height);
      var events = doc.querySelector(".asm-events-box");
      if (events && events.offsetParent !== null) {  // in the open tab
        setHeight("--asm-events-height", Math.max(160, Math.floor(top + height - pageTop(events))));
      }
    }
  }

  /* ---------------------------------------------------------------- one selection */
  function mark(id) {
    doc.querySelectorAll(".asm-selected[data-record-id]").forEach(function (node) {
      if (node.getAttribute("data-record-id") !== id) {
        node.classList.remove("asm-selected");
        node.removeAttribute("aria-selected");
      }
    });
    if (id === null) { return; }
    doc.querySelectorAll("[data-record-id]").forEach(function (node) {
      if (node.getAttribute("data-record-id") === id && !node.classList.contains("asm-selected")) {
        node.classList.add("asm-selected");
        node.setAttribute("aria-selected", "true");
      }
    });
  }

  /* The event list is made only while its tab is open (dashboard/app.py): a row to show waits in
     `toReveal` until the list is there (after the tab's rerun), or until another record is chosen. */
  var toReveal = null;
  function revealRow() {
    /* Scroll the event list, not the page, so the map stays where the presenter left it. */
    var box = doc.querySelector(".asm-events-box");
    if (toReveal === null || !box || box.offsetParent === null) { return; }
    var rows = box.querySelectorAll("tr[data-record-id]");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute("data-record-id") === toReveal) {
        var row = rows[i], boxRect = box.getBoundingClientRect(), rowRect = row.getBoundingClientRect();
        if (rowRect.top < boxRect.top || rowRect.bottom > boxRect.bottom) {
          box.scrollTop += rowRect.top - boxRect.top - boxRect.height / 3;
        }
        toReveal = null;
        return;
      }
    }
  }

  function showEventsTab() {
    var tabs = doc.querySelectorAll('[role="tab"]');
    for (var i = 0; i < tabs.length; i++) {
      if (/^Events/.test(tabs[i].textContent.trim())) {
        if (tabs[i].getAttribute("aria-selected") !== "true") { tabs[i].click(); }
        return;
      }
    }
  }

  function select(id, fromMap) {
    selected = id;
    mark(id);
    if (id !== null && fromMap) { showEventsTab(); }
    toReveal = id;
    if (id !== null) { window.requestAnimationFrame(revealRow); }
    var win = mapWindow();
    if (!fromMap && win && win.asm && typeof win.asm.select === "function") {
      try { win.asm.select(id); } catch (e) { /* the map is being replaced: reapplied when it is back */ }
    }
    var status = doc.querySelector(".asm-selection-status");
    if (status) { status.textContent = id === null ? "" : "Selected record " + id + " on the map and in the lists."; }
  }

  function recordTarget(event) {
    var node = event.target && event.target.closest ? event.target.closest("[data-record-id]") : null;
    if (!node) { return null; }
    return node.closest(".asm-events, .asm-timeline") ? node : null;
  }

  doc.addEventListener("click", function (event) {
    var node = recordTarget(event);
    if (!node) { return; }
    var id = node.getAttribute("data-record-id");
    select(id === selected ? null : id, false);
  });
  doc.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    var node = recordTarget(event);
    if (node) { event.preventDefault(); select(node.getAttribute("data-record-id"), false); }
  });
  window.addEventListener("message", function (event) {
    var data = event.data;
    var frame = mapFrame();
    if (!data || data.type !== "asm:select" || !frame || event.source !== frame.contentWindow) { return; }
    var ids = Array.isArray(data.recordIds) ? data.recordIds.filter(function (x) { return typeof x === "string"; }) : [];
    select(ids.length ? ids[0] : null, true);
  });

  /* ---------------------------------------------------------------- stops frame the map */
  function applySignal() {
    var signal = doc.querySelector(".asm-signal");
    if (!signal) { return; }
    var nonce = signal.getAttribute("data-nonce");
    if (!nonce || nonce === lastSignal) { return; }
    var win = mapWindow();
    if (!win || !win.asmMap._loaded) { return; }  // tried again on the next change of the page
    lastSignal = nonce;
    var map = win.asmMap;
    if (signal.getAttribute("data-frame") === "set") {
      map.setView([Number(signal.getAttribute("data-lat")), Number(signal.getAttribute("data-lng"))],
                  Number(signal.getAttribute("data-zoom")), {animate: false});
    } else {
      win.asm.reframe();  // the map's own framing, clear of its legend (geo/static/asm_map.js)
    }
  }

  /* ---------------------------------------------------------------- after every change of the page */
  var pending = false;
  var lastMap = null;
  function settle() {
    pending = false;
    fit();
    if (selected !== null) { mark(selected); }
    revealRow();
    var win = mapWindow();
    if (win && win !== lastMap) {  // a new map (first load, or the other projection)
      lastMap = win;
      if (selected !== null && win.asm && typeof win.asm.select === "function") {
        try { win.asm.select(selected); } catch (e) { lastMap = null; }
      }
    }
    applySignal();
    if (win && !win.document.__asmKeys) {
      win.document.addEventListener("keydown", function (event) { onKey(event, true); }, true);
      win.document.__asmKeys = true;
    }
  }
  /* After the next paint, when the page's layout is already worked out: measuring before it (in an
     animation frame) made the browser lay the page out early, once more on every change of a step. */
  function schedule() {
    if (!pending) { pending = true; window.requestAnimationFrame(function () { window.setTimeout(settle, 0); }); }
  }
  new MutationObserver(schedule).observe(doc.body, {childList: true, subtree: true});
  window.addEventListener("resize", schedule);
  window.setInterval(schedule, 1000);  // the map's frame finishes loading without a change of the page

  window.asmPage = {select: select, press: press, selected: function () { return selected; }};
})();
