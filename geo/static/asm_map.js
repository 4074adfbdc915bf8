/* Arctic Situation Map: marker shapes, popups and tooltips drawn from feature properties.
   Every record text is set with textContent, never as HTML, so no record can inject markup. */
(function () {
  if (window.asm) { return; }
  var KINDS = {
    meeting: {label: "Meeting", colour: "#0072B2", shape: "circle"},
    agreement: {label: "Agreement", colour: "#009E73", shape: "diamond"},
    announcement: {label: "Announcement", colour: "#E69F00", shape: "square"},
    statement: {label: "Statement", colour: "#CC79A7", shape: "triangle"},
    assessment: {label: "Assessment", colour: "#56B4E9", shape: "star"},
    threat: {label: "Threat", colour: "#000000", shape: "down"},
    visit: {label: "Visit", colour: "#0072B2", shape: "hexagon"},
    mission: {label: "Mission", colour: "#D55E00", shape: "pentagon"},
    exercise: {label: "Exercise", colour: "#D55E00", shape: "bowtie"},
    protest: {label: "Protest", colour: "#CC79A7", shape: "cross"},
    deployment: {label: "Deployment", colour: "#D55E00", shape: "route"}
  };
  var OPEN_STATUSES = {planned: true, pending: true, unconfirmed: true};
  var SLOTS_PER_ROW = 4;  // same-place markers per row
  var SHAPES = {
    circle: '<circle cx="11" cy="11" r="8"/>',
    diamond: '<polygon points="11,1.5 20.5,11 11,20.5 1.5,11"/>',
    square: '<rect x="3" y="3" width="16" height="16"/>',
    triangle: '<polygon points="11,2 20.5,19.5 1.5,19.5"/>',
    star: '<polygon points="11,1.5 13.6,8 20.5,8.3 15.1,12.6 17,19.5 11,15.6 5,19.5 6.9,12.6 1.5,8.3 8.4,8"/>',
    down: '<polygon points="1.5,2.5 20.5,2.5 11,20"/>',
    hexagon: '<polygon points="6,2 16,2 21,11 16,20 6,20 1,11"/>',
    cross: '<polygon points="8,1.5 14,1.5 14,8 20.5,8 20.5,14 14,14 14,20.5 8,20.5 8,14 1.5,14 1.5,8 8,8"/>',
    pentagon: '<polygon points="11,1.5 20.5,8.4 16.9,19.8 5.1,19.8 1.5,8.4"/>',
    bowtie: '<polygon points="1.5,2.5 11,8.5 20.5,2.5 20.5,19.5 11,13.5 1.5,19.5"/>',
    route: '<line x1="1" y1="11" x2="21" y2="11" stroke-dasharray="5 3" stroke-width="3.5"/>'
  };

  function svg(kind, isOpen) {
    var style = KINDS[kind] || KINDS.meeting;
    var fill = isOpen ? "#ffffff" : style.colour;
    var stroke = style.shape === "route" ? style.colour : (isOpen ? style.colour : "#1a1a1a");
    var width = isOpen ? 3 : 1.5;
    /* A hollow symbol's light colour alone is faint on the pale land and sea: a dark rim under it. */
    var rim = isOpen && style.shape !== "route" ?
      '<g fill="none" stroke="#1a1a1a" stroke-width="5">' + SHAPES[style.shape] + '</g>' : "";
    return '<svg xmlns="http://www.w3.org/2000/svg" width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">' + rim +
      '<g fill="' + fill + '" stroke="' + stroke + '" stroke-width="' + width + '">' + SHAPES[style.shape] + '</g></svg>';
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null && text !== "") { node.textContent = String(text); }
    return node;
  }

  function row(table, label, value) {
    var tr = el("tr");
    tr.appendChild(el("th", null, label));
    tr.appendChild(el("td", null, value));
    table.appendChild(tr);
  }

  function recordBlock(p) {
    var block = el("div", "asm-record");
    block.appendChild(el("div", "asm-title", p.title));
    var kind = KINDS[p.kind] ? KINDS[p.kind].label : p.kind;
    block.appendChild(el("div", "asm-meta", kind + " · " + p.status_label));
    var table = el("table", "asm-facts");
    row(table, "When", p.when);
    row(table, "Where", p.where);
    if (p.participants) { row(table, "Who", p.participants.split(";").join("; ")); }
    if (p.kind === "deployment") {
      row(table, "Country", p.actor);
      row(table, "Where now", p.presence);
      row(table, "Announced", p.personnel_announced);
      row(table, "Deployed", p.personnel_deployed);
      if (p.personnel_note) { row(table, "Source's words", p.personnel_note); }
      if (p.purpose) { row(table, "Purpose", p.purpose); }
    }
    row(table, "Grade", p.grade);
    if (p.conflict) {
      var tr = el("tr", "asm-conflict");
      tr.appendChild(el("th", null, "⚠ Sources differ"));
      tr.appendChild(el("td", null, p.conflict));
      table.appendChild(tr);
    }
    block.appendChild(table);
    block.appendChild(el("blockquote", "asm-quote", p.source_quote));
    block.appendChild(el("div", "asm-source", "Sources: " + p.sources_label));
    if (p.curation_note) { block.appendChild(el("div", "asm-note", "Curation note: " + p.curation_note)); }
    return block;
  }

  function framePadding(map, bounds) {
    /* Keep the records clear of the legend and scale in the bottom-left corner: reserve a strip
       below the records or beside them, whichever leaves the larger map. A corner that is not laid
       out yet (Leaflet's CSS still loading) or would take half the map is not reserved. */
    var edge = 14;
    var size = map.getSize();
    var corner = map._controlCorners && map._controlCorners.bottomleft;
    var placed = corner && window.getComputedStyle(corner).position === "absolute";
    var box = placed ? corner.getBoundingClientRect() : {width: 0, height: 0};
    var options = [{paddingTopLeft: [edge, edge], paddingBottomRight: [edge, edge]}];
    if (box.height > 0 && box.height < size.y / 2) {
      options.push({paddingTopLeft: [edge, edge], paddingBottomRight: [edge, edge + box.height]});
    }
    if (box.width > 0 && box.width < size.x / 2) {
      options.push({paddingTopLeft: [edge + box.width, edge], paddingBottomRight: [edge, edge]});
    }
    var best = options[0], bestZoom = -Infinity;
    options.slice(options.length > 1 ? 1 : 0).forEach(function (option) {
      var total = L.point(option.paddingTopLeft).add(option.paddingBottomRight);
      var zoom = map.getBoundsZoom(bounds, false, total);
      if (isFinite(zoom) && zoom > bestZoom) { best = option; bestZoom = zoom; }
    });
    return {paddingTopLeft: best.paddingTopLeft, paddingBottomRight: best.paddingBottomRight, animate: false};
  }

  window.asm = {
    kinds: KINDS,
    iconHtml: svg,
    popup: function (properties) {
      var root = el("div", "asm-popup");
      var records = properties.records || [properties];
      /* The popup scrolls when long: focusable and named, so a keyboard can reach and scroll it. */
      root.tabIndex = 0;
      root.setAttribute("role", "region");
      root.setAttribute("aria-label", records.length === 1 ? records[0].title : records.length + " records at this place");
      records.forEach(function (p) { root.appendChild(recordBlock(p)); });
      return root;
    },
    tooltip: function (properties) {
      var records = properties.records || [properties];
      var root = el("div", "asm-tooltip");
      records.forEach(function (p) { root.appendChild(el("div", null, p.title + " (" + p.status_label + ")")); });
      return root;
    },
    pointToLayer: function (feature, latlng) {
      var p = feature.properties;
      var changed = p.change && p.change !== "unchanged";
      var holder = el("div", "asm-marker asm-kind-" + p.kind + (changed ? " asm-changed" : ""));
      holder.setAttribute("data-record-id", p.record_id);
      holder.setAttribute("role", "img");
      holder.setAttribute("aria-label", p.title);
      holder.innerHTML = svg(p.kind, OPEN_STATUSES[p.status] === true);  // constant markup only
      /* Records at the same place sit in a compact block beside it, four to a row, never on top of
         each other and never strung out into the next country. */
      var slot = p.slot || 0, col = slot % SLOTS_PER_ROW, row = Math.floor(slot / SLOTS_PER_ROW);
      var icon = L.divIcon({className: "asm-marker-box", html: holder, iconSize: [22, 22],
                            iconAnchor: [11 - 24 * col, 11 - 24 * row], popupAnchor: [24 * col, 24 * row - 10]});
      return L.marker(latlng, {icon: icon, title: p.title, alt: p.title, riseOnHover: true});
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      layer.bindPopup(function () { return window.asm.popup(p); }, {maxWidth: 380, minWidth: 260, autoPanPaddingTopLeft: [56, 16], autoPanPaddingBottomRight: [16, 24]});
      layer.bindTooltip(function () { return window.asm.tooltip(p); }, {sticky: !(layer instanceof L.Marker), direction: "top", opacity: 0.95});
    },
    style: function (feature) { return feature.properties.style; },
    describeMap: function (map) {
      /* For a screen reader the map is a named region (its records are all listed in text too);
         and the page may be zoomed: folium's viewport tag forbids it, which matters in the snapshot. */
      var box = map.getContainer();
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Situation map. Every record drawn here is also listed in text with the same title.");
      document.querySelectorAll('meta[name="viewport"]').forEach(function (viewport) {
        viewport.setAttribute("content", "width=device-width, initial-scale=1.0");
      });
    },
    addLabels: function (map, labels) {
      labels.forEach(function (label) {
        var icon = L.divIcon({className: "asm-place-label-box", html: el("div", "asm-place-label", label.text),
                              iconSize: [100, 18], iconAnchor: [50, 30]});  // above the point, where routes end
        L.marker([label.lat, label.lon], {icon: icon, interactive: false, keyboard: false}).addTo(map);
      });
    },
    keepFramed: function (map, bounds) {
      /* The iframe gets its final width after the map is made: frame the records again on
         resizes until the reader moves the map, then leave their view alone. */
      var touched = false, popupOpen = false;
      map.on("zoomstart movestart", function (e) { if (!map._asmFraming) { touched = true; } });
      /* The legend sits above popups (Leaflet's controls are on top): fold it while a popup is open. */
      map.on("popupopen", function () {
        popupOpen = true;
        var legend = map.getContainer().querySelector(".asm-legend");
        if (legend && legend.open) { legend.open = false; legend.setAttribute("data-folded-for-popup", ""); }
      });
      map.on("popupclose", function () {
        var legend = map.getContainer().querySelector(".asm-legend[data-folded-for-popup]");
        if (legend) { legend.removeAttribute("data-folded-for-popup"); legend.open = true; }
        popupOpen = false;
      });
      function frame() {
        if (touched || popupOpen) { return; }
        map._asmFraming = true;
        map.invalidateSize(false);
        map.fitBounds(bounds, framePadding(map, bounds));
        map._asmFraming = false;
      }
      map.on("resize", frame);
      setTimeout(frame, 0);
      var corner = map._controlCorners && map._controlCorners.bottomleft;
      if (corner && window.ResizeObserver) {  // the legend laid out, its fonts loaded, opened or closed
        new ResizeObserver(function () { frame(); }).observe(corner);
      }
    },
    legend: function () {
      var root = el("details", "asm-legend");
      root.open = true;
      root.appendChild(el("summary", "asm-legend-title", "Legend"));
      var items = el("div", "asm-legend-items");
      root.appendChild(items);
      Object.keys(KINDS).forEach(function (kind) {
        var item = el("div", "asm-legend-item");
        var icon = el("span", "asm-legend-icon");
        icon.innerHTML = svg(kind, false);
        item.appendChild(icon);
        item.appendChild(el("span", null, KINDS[kind].label + (kind === "deployment" ? " route (schematic)" : "")));
        items.appendChild(item);
      });
      var open = el("div", "asm-legend-item");
      var openIcon = el("span", "asm-legend-icon");
      openIcon.innerHTML = svg("meeting", true);
      open.appendChild(openIcon);
      open.appendChild(el("span", null, "Hollow: planned, pending or unconfirmed"));
      items.appendChild(open);
      var area = el("div", "asm-legend-item");
      area.appendChild(el("span", "asm-legend-area"));
      area.appendChild(el("span", null, "Territory-level location (area, not a site)"));
      items.appendChild(area);
      return root;
    }
  };
})();
