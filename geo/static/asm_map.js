/* Arctic Situation Map: symbols, labels, popups, tooltips, legend, framing and selection.
   Every record text is set with textContent, never as HTML, so no record can inject markup.
   The kinds (label, colour, symbol name) come from geo.display.KINDS through setKinds; only the
   symbols' SVG geometry is defined here. */
(function () {
  if (window.asm) { return; }
  var KINDS = {};  // kind: {label, colour, shape}, filled by setKinds before any record is drawn
  var OPEN_STATUSES = {planned: true, pending: true, unconfirmed: true};
  var CELL = 24;  // px between the centres of two symbols grouped at one place
  var LABEL_GAPS = [3, 9, 16, 26, 38, 52, 70, 92, 120, 150];  // px from a label's anchor, nearest first
  var AREA_GAPS = LABEL_GAPS;  // the names of routes and places come first; an area may go farther
  var ROUTE_STOPS = [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8, 0.14, 0.86];  // along a route
  var GROUPS_MOVED_AT_MOST = 300;  // more places than this: each block stays centred on its place
  var LABEL_TIME_MS = 250;  // placing names stops after this long; the rest are hidden as crowded
  var LABEL_BUDGET = 300;  // names placed per layout at most (the bundled data needs about 30)
  var LEADER_FROM = 7;  // px: a label farther than this from its anchor gets a leader line
  var LEGEND_SHARE = 0.36;  // the open legend may take this share of the map's height, else it starts folded
  /* Thousands of points (geo.leaflet.CANVAS_POINTS_ABOVE decides, per layer) are drawn on one canvas, in
     their kind's shape: no element, icon or popup per record, so a date step costs about what a bare map's does. */
  var POINT_RADIUS = 5;  // px, a canvas point
  var POINT_CELL = 12;  // px between the centres of two canvas points grouped at one place
  var POINT_TOLERANCE = 2;  // px around a canvas point that still hovers or clicks it
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
  var SVG_NS = "http://www.w3.org/2000/svg";
  /* Every popup, symbol's or canvas point's: clear of the zoom buttons (top left) and the scale (bottom). */
  var POPUP = {maxWidth: 380, minWidth: 260, autoPanPaddingTopLeft: [56, 16], autoPanPaddingBottomRight: [16, 44]};
  var state = {map: null, selected: [], highlighted: [], baseLabels: [], pending: false, halos: null, framing: null,
               canvas: null, point: null};

  function kindOf(kind) {
    return KINDS[kind] || {label: kind, colour: "#1a1a1a", shape: "circle"};
  }

  function svg(kind, isOpen) {
    var style = kindOf(kind);
    var shape = SHAPES[style.shape] ? style.shape : "circle";
    var fill = isOpen ? "#ffffff" : style.colour;
    var stroke = shape === "route" ? style.colour : (isOpen ? style.colour : "#1a1a1a");
    var width = isOpen ? 3 : 1.5;
    /* A hollow symbol's light colour alone is faint on the pale land and sea: a dark rim under it. */
    var rim = isOpen && shape !== "route" ?
      '<g fill="none" stroke="#1a1a1a" stroke-width="5">' + SHAPES[shape] + '</g>' : "";
    return '<svg xmlns="http://www.w3.org/2000/svg" width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">' + rim +
      '<g fill="' + fill + '" stroke="' + stroke + '" stroke-width="' + width + '">' + SHAPES[shape] + '</g></svg>';
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null && text !== "") { node.textContent = String(text); }
    return node;
  }

  function svgEl(tag, attributes) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
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
    block.appendChild(el("div", "asm-meta", kindOf(p.kind).label + " · " + p.status_label));
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

  function recordIds(p) {
    return (p.records || [p]).map(function (r) { return String(r.record_id); });
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

  /* ------------------------------------------------------------------ geometry of boxes (container px) */

  function box(x1, y1, x2, y2) { return {x1: x1, y1: y1, x2: x2, y2: y2}; }
  function grow(b, by) { return box(b.x1 - by, b.y1 - by, b.x2 + by, b.y2 + by); }
  function overlapArea(a, b) {
    var w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1), h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
    return w > 0 && h > 0 ? w * h : 0;
  }
  function nearestOn(b, x, y) {  // the point of box b nearest to (x, y)
    return [Math.max(b.x1, Math.min(x, b.x2)), Math.max(b.y1, Math.min(y, b.y2))];
  }
  function distance(a, b) { return Math.sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])); }

  /* A uniform grid of boxes or points, so that a label's candidates are checked against what is
     near them, not against everything: thousands of records stay fast to label. */
  function Grid(cell) { this.cell = cell; this.cells = {}; }
  Grid.prototype.keys = function (b) {
    var out = [], c = this.cell;
    for (var x = Math.floor(b.x1 / c); x <= Math.floor(b.x2 / c); x++) {
      for (var y = Math.floor(b.y1 / c); y <= Math.floor(b.y2 / c); y++) { out.push(x + ":" + y); }
    }
    return out;
  };
  Grid.prototype.add = function (b, item) {
    var cells = this.cells, entry = {item: item, id: (this.count = (this.count || 0) + 1)};
    this.keys(b).forEach(function (key) { (cells[key] = cells[key] || []).push(entry); });
  };
  Grid.prototype.near = function (b) {
    var seen = {}, out = [], cells = this.cells;
    this.keys(b).forEach(function (key) {
      (cells[key] || []).forEach(function (entry) {
        if (!seen[entry.id]) { seen[entry.id] = true; out.push(entry.item); }
      });
    });
    return out;
  };

  /* Where a symbol sits in its place's group: rows of `cols` centred on the place, the last row centred too. */
  function gridOffset(slot, slots, cell) {
    cell = cell || CELL;
    var cols = Math.ceil(Math.sqrt(slots)), rows = Math.ceil(slots / cols);
    var r = Math.floor(slot / cols), c = slot % cols;
    var inRow = r === rows - 1 ? slots - r * cols : cols;
    return [(c - (inRow - 1) / 2) * cell, (r - (rows - 1) / 2) * cell];
  }
  function gridSize(slots, cell) {
    cell = cell || CELL;
    var cols = Math.ceil(Math.sqrt(slots));
    return [cols * cell, Math.ceil(slots / cols) * cell];
  }

  /* Candidate boxes of size (w, h) around an anchor box, nearest first: beside, above, below, corners. */
  function aroundBox(anchor, w, h, gaps) {
    var out = [], cx = (anchor.x1 + anchor.x2) / 2, cy = (anchor.y1 + anchor.y2) / 2;
    gaps.forEach(function (d) {
      var e = d * 0.72;
      [[anchor.x2 + d, cy - h / 2], [anchor.x1 - d - w, cy - h / 2], [cx - w / 2, anchor.y1 - d - h],
       [cx - w / 2, anchor.y2 + d], [anchor.x2 + e, anchor.y1 - e - h], [anchor.x2 + e, anchor.y2 + e],
       [anchor.x1 - e - w, anchor.y1 - e - h], [anchor.x1 - e - w, anchor.y2 + e]].forEach(function (xy) {
        out.push(box(xy[0], xy[1], xy[0] + w, xy[1] + h));
      });
    });
    return out;
  }

  /* Points along a polyline (container px) at the given shares of its length. */
  function alongPath(points, shares) {
    var lengths = [0];
    for (var i = 1; i < points.length; i++) { lengths.push(lengths[i - 1] + distance(points[i - 1], points[i])); }
    var total = lengths[lengths.length - 1];
    return shares.map(function (share) {
      var target = share * total, j = 1;
      while (j < lengths.length - 1 && lengths[j] < target) { j++; }
      var span = lengths[j] - lengths[j - 1] || 1, t = (target - lengths[j - 1]) / span;
      var a = points[j - 1] || points[0], b = points[j] || a;
      return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    });
  }

  /* ------------------------------------------------------------------ the label layer */

  function labelPane(map) {
    var pane = map.getPane("asmLabels");
    if (!pane) {
      pane = map.createPane("asmLabels");
      pane.setAttribute("aria-hidden", "true");  // the names repeat what every record's text says
    }
    return pane;
  }

  function clearLabels(map) {
    var pane = labelPane(map);
    while (pane.firstChild) { pane.removeChild(pane.firstChild); }
    return pane;
  }

  function controlBoxes(map) {
    var container = map.getContainer(), origin = container.getBoundingClientRect(), out = [];
    container.querySelectorAll(".leaflet-control").forEach(function (control) {
      var r = control.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) {
        out.push(box(r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top));
      }
    });
    return out;
  }

  function collect(map) {
    var groups = {}, areas = [], routes = [];
    map.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (!p || !p.record_id) { return; }
      if (layer instanceof L.Marker || layer._asmPoint) {
        var key = p.place_id || (layer.getLatLng().lat + "," + layer.getLatLng().lng);
        (groups[key] = groups[key] || {key: key, name: p.place_name || p.where, markers: []}).markers.push(layer);
      } else if (p.kind === "territory") {
        areas.push(layer);
      } else if (p.label !== undefined && layer.getLatLngs) {
        routes.push(layer);
      }
    });
    return {groups: Object.keys(groups).map(function (key) { return groups[key]; }), areas: areas, routes: routes};
  }

  /* The symbols of each place as one compact block centred on it; where two places' blocks would
     overlap at this zoom (Nuuk and its airport), the smaller block moves aside, with a leader line. */
  function placeGroups(map, groups, hard) {
    var placed = new Grid(96), size = map.getSize(), inside = box(0, 0, size.x, size.y);
    groups.sort(function (a, b) { return b.markers.length - a.markers.length || (a.key < b.key ? -1 : 1); });
    groups.forEach(function (group) {
      var onCanvas = group.markers[0]._asmPoint === true;
      var slots = group.markers.length, size = gridSize(slots, onCanvas ? POINT_CELL : CELL), w = size[0], h = size[1];
      var at = map.latLngToContainerPoint(group.markers[0].getLatLng());
      group.anchor = [at.x, at.y];
      var home = box(at.x - w / 2, at.y - h / 2, at.x + w / 2, at.y + h / 2);
      /* Thousands of places: no room to move blocks aside, and no time to try; they stay at home.
         Canvas points (thousands of records) always stay at home: their offsets are fixed when drawn. */
      if (onCanvas) {
        group.box = home;
        group.moved = false;
        placed.add(home, home);
        return;
      }
      var candidates = groups.length > GROUPS_MOVED_AT_MOST ? [home] :
        [home].concat(aroundBox(box(at.x, at.y, at.x, at.y), w, h, [4, 12, 24, 40, 60, 84, 110]));
      var best = home, bestCost = Infinity;
      for (var i = 0; i < candidates.length; i++) {
        var candidate = candidates[i], area = (candidate.x2 - candidate.x1) * (candidate.y2 - candidate.y1);
        var cost = placed.near(grow(candidate, 1)).reduce(function (sum, other) { return sum + overlapArea(grow(candidate, 1), other); }, 0);
        if (overlapArea(home, inside) >= 0.99 * w * h) {  // a block on the map stays clear of its controls and edge
          cost += 1000 * hard.reduce(function (sum, other) { return sum + overlapArea(grow(candidate, 2), other); }, 0);
          cost += 1000 * (area - overlapArea(candidate, inside));
        }
        if (cost === 0) { best = candidates[i]; break; }
        if (cost < bestCost) { best = candidates[i]; bestCost = cost; }
      }
      group.box = best;
      placed.add(best, best);
      var cx = (best.x1 + best.x2) / 2 - at.x, cy = (best.y1 + best.y2) / 2 - at.y;
      group.moved = cx !== 0 || cy !== 0;
      group.markers.sort(function (a, b) { return (a.feature.properties.slot || 0) - (b.feature.properties.slot || 0); });
      group.markers.forEach(function (marker, slot) {
        var offset = gridOffset(slot, slots), x = cx + offset[0], y = cy + offset[1];
        var options = marker.options.icon.options;
        options.popupAnchor = [x, y - 10];
        options.tooltipAnchor = [x, y - 10];
        var icon = marker.getElement();
        if (icon) {
          icon.style.marginLeft = (x - 11) + "px";
          icon.style.marginTop = (y - 11) + "px";
        }
      });
    });
  }

  function makeLabel(pane, text, forId, variant, isRange) {
    /* asm-place-label: a place's or area's name, which routes and symbols must leave readable. */
    var label = el("div", "asm-label asm-label-" + variant + (variant === "route" ? "" : " asm-place-label"));
    label.appendChild(el("span", "asm-label-text", text));
    if (isRange) { label.appendChild(el("span", "asm-range-badge", "≈")); }
    label.setAttribute("data-label-for", forId);
    pane.appendChild(label);
    return label;
  }

  function layout(map) {
    state.pending = false;
    if (!map._loaded) { return; }
    var pane = clearLabels(map);
    var size = map.getSize();
    var found = collect(map);
    var hard = controlBoxes(map);  // the zoom buttons, legend, scale and attribution
    placeGroups(map, found.groups, hard);
    var symbols = new Grid(64), labels = new Grid(64);  // symbol groups, and the labels placed so far
    found.groups.forEach(function (group) { var b = grow(group.box, 1); symbols.add(b, b); });
    var leaders = svgEl("svg", {"class": "asm-leaders", width: size.x, height: size.y});
    pane.appendChild(leaders);
    L.DomUtil.setPosition(leaders, map.containerPointToLayerPoint([0, 0]));

    var items = [];
    found.groups.forEach(function (group) {
      items.push({text: group.name, id: group.key, variant: "place", anchor: group.box, point: group.anchor,
                  moved: group.moved});
    });
    var drawnOutlines = {};
    found.areas.forEach(function (area) {
      var p = area.feature.properties;
      drawnOutlines[p.outline_iso3] = true;
      var at = p.label_latlng ? map.latLngToContainerPoint(p.label_latlng) : null;
      if (at) { items.push({text: p.place_name, id: p.place_id, variant: "area", centre: [at.x, at.y]}); }
    });
    state.baseLabels.forEach(function (base) {
      if (drawnOutlines[base.iso3]) { return; }  // the drawn area carries the name
      var at = map.latLngToContainerPoint([base.lat, base.lon]);
      items.push({text: base.text, id: "territory:" + base.iso3, variant: "area", centre: [at.x, at.y]});
    });
    found.routes.forEach(function (route) {
      var p = route.feature.properties;
      var points = route.getLatLngs().map(function (latlng) {
        var at = map.latLngToContainerPoint(latlng);
        return [at.x, at.y];
      });
      items.push({text: p.label, id: p.record_id, variant: "route", path: points, isRange: p.is_date_range});
    });
    found.groups.forEach(function (group) {
      if (group.moved) {  // the block is beside its place: a line from the place to it, and a dot at the place
        var end = nearestOn(group.box, group.anchor[0], group.anchor[1]);
        leaders.appendChild(svgEl("line", {x1: group.anchor[0], y1: group.anchor[1], x2: end[0], y2: end[1], "class": "asm-leader"}));
        leaders.appendChild(svgEl("circle", {cx: group.anchor[0], cy: group.anchor[1], r: 2.5, "class": "asm-place-dot"}));
      }
    });

    var routeDots = new Grid(32);  // points every few px along the routes: a place's or area's name keeps off them
    items.forEach(function (item) {
      if (item.variant !== "route" || item.path.length < 2) { return; }
      var length = 0;
      for (var i = 1; i < item.path.length; i++) { length += distance(item.path[i - 1], item.path[i]); }
      var count = Math.min(400, Math.ceil(length / 4)), shares = [];
      for (var k = 0; k <= count; k++) { shares.push(k / count); }
      alongPath(item.path, shares).forEach(function (point) { routeDots.add(box(point[0], point[1], point[0], point[1]), point); });
    });
    /* Only what is in view is named (zoomed in, a name pushed to the map's edge would point nowhere). */
    var view = box(0, 0, size.x, size.y);
    items = items.filter(function (item) {
      if (item.variant === "place") { return overlapArea(item.anchor, view) > 0; }
      if (item.variant === "area") { return overlapArea(box(item.centre[0], item.centre[1], item.centre[0] + 1, item.centre[1] + 1), view) > 0; }
      return item.path.some(function (point) { return overlapArea(box(point[0], point[1], point[0] + 1, point[1] + 1), view) > 0; });
    });
    /* With thousands of records there is room for a few hundred names at most: the places with the
       most records, the areas and the routes first; the rest are counted on the pane, not drawn. */
    if (items.length > LABEL_BUDGET) {
      pane.setAttribute("data-unlabelled", String(items.length - LABEL_BUDGET));
      items = items.slice(0, LABEL_BUDGET);
    } else {
      pane.removeAttribute("data-unlabelled");
    }
    items.forEach(function (item) { item.el = makeLabel(pane, item.text, item.id, item.variant, item.isRange); });
    items.forEach(function (item) { item.w = item.el.offsetWidth; item.h = item.el.offsetHeight; });  // one reflow

    var inside = box(2, 2, size.x - 2, size.y - 2);
    function cost(candidate, variant) {
      var c = 0, padded = grow(candidate, 1);
      if (variant !== "route") {
        routeDots.near(padded).forEach(function (dot) {
          if (dot[0] >= padded.x1 && dot[0] <= padded.x2 && dot[1] >= padded.y1 && dot[1] <= padded.y2) { c += 20; }
        });
      }
      labels.near(padded).forEach(function (other) { c += 1000 * overlapArea(padded, other); });
      hard.forEach(function (other) { c += 100 * overlapArea(candidate, other); });
      symbols.near(candidate).forEach(function (other) { c += 10 * overlapArea(candidate, other); });
      var area = (candidate.x2 - candidate.x1) * (candidate.y2 - candidate.y1);
      c += 100 * (area - overlapArea(candidate, inside));  // the part off the map
      return c;
    }
    var started = performance.now(), late = 0;
    items.forEach(function (item) {
      /* A time limit too: on a slow machine with thousands of records, the map stays responsive. */
      if (performance.now() - started > LABEL_TIME_MS) {
        item.el.classList.add("asm-label-crowded");
        late++;
        return;
      }
      var w = item.w, h = item.h, candidates = [], anchors = [];
      if (item.variant === "place") {
        candidates = aroundBox(item.anchor, w, h, LABEL_GAPS);
        candidates.forEach(function () { anchors.push(null); });
      } else if (item.variant === "area") {
        var c = item.centre;
        candidates.push(box(c[0] - w / 2, c[1] - h / 2, c[0] + w / 2, c[1] + h / 2));
        /* An area's name stays near its middle: far off, it would seem to name another country. */
        aroundBox(box(c[0], c[1], c[0], c[1]), w, h, AREA_GAPS).forEach(function (b) { candidates.push(b); });
        candidates.forEach(function () { anchors.push(c); });
      } else {
        var stops = item.path.length > 1 ? alongPath(item.path, ROUTE_STOPS) : [item.path[0]];
        stops.forEach(function (s) { candidates.push(box(s[0] - w / 2, s[1] - h / 2, s[0] + w / 2, s[1] + h / 2)); anchors.push(s); });
        LABEL_GAPS.forEach(function (gap) {
          stops.forEach(function (s) {
            aroundBox(box(s[0], s[1], s[0], s[1]), w, h, [gap]).forEach(function (b) { candidates.push(b); anchors.push(s); });
          });
        });
      }
      var best = 0, bestCost = Infinity;
      for (var i = 0; i < candidates.length; i++) {
        var c2 = cost(candidates[i], item.variant);
        if (c2 === 0) { best = i; bestCost = 0; break; }
        if (c2 < bestCost) { best = i; bestCost = c2; }
      }
      var chosen = candidates[best];
      item.el.setAttribute("data-clear", bestCost === 0 ? "true" : "false");
      if (bestCost >= 1000) {  // it would cover another name: too crowded here (thousands of records)
        item.el.classList.add("asm-label-crowded");
        return;
      }
      labels.add(chosen, chosen);
      L.DomUtil.setPosition(item.el, map.containerPointToLayerPoint([chosen.x1, chosen.y1]));
      var from = anchors[best];
      if (item.variant === "place") {
        var centre = [(chosen.x1 + chosen.x2) / 2, (chosen.y1 + chosen.y2) / 2];
        from = nearestOn(item.anchor, centre[0], centre[1]);
      }
      if (from) {
        var to = nearestOn(chosen, from[0], from[1]);
        if (distance(from, to) > LEADER_FROM) {
          leaders.appendChild(svgEl("line", {x1: from[0], y1: from[1], x2: to[0], y2: to[1], "class": "asm-leader asm-leader-" + item.variant}));
        }
      }
    });
    if (late) { pane.setAttribute("data-unplaced", String(late)); } else { pane.removeAttribute("data-unplaced"); }
    applySelection(map, false);
  }

  function schedule(map) {
    if (state.pending) { return; }
    state.pending = true;
    (window.requestAnimationFrame || setTimeout)(function () { layout(map); });
  }

  /* ------------------------------------------------------------------ selection */

  function drawnLayers(map, ids) {
    var wanted = {}, out = [];
    ids.forEach(function (id) { wanted[id] = true; });
    map.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (p && p.record_id && recordIds(p).some(function (id) { return wanted[id]; })) { out.push(layer); }
    });
    return out;
  }

  function applySelection(map, pan) {
    var container = map.getContainer();
    container.querySelectorAll(".asm-selected").forEach(function (node) { node.classList.remove("asm-selected"); });
    if (!state.halos) {
      if (!map.getPane("asmHalo")) { map.createPane("asmHalo"); }
      state.halos = L.layerGroup().addTo(map);
    }
    state.halos.clearLayers();
    var layers = state.selected.length ? drawnLayers(map, state.selected) : [];
    var bounds = null;
    state.highlighted = [];
    layers.forEach(function (layer) {
      recordIds(layer.feature.properties).forEach(function (id) { state.highlighted.push(id); });
      if (layer._asmPoint) {
        /* On the canvas: the point drawn on top of its neighbours, in a white and a dark ring. */
        layer.bringToFront();
        [{weight: 6, color: "#ffffff"}, {weight: 2.5, color: "#1a1a1a"}].forEach(function (ring) {
          canvasRing(layer, ring).addTo(state.halos);
        });
        bounds = bounds ? bounds.extend(layer.getLatLng()) : L.latLngBounds([layer.getLatLng()]);
      } else if (layer instanceof L.Marker) {
        var holder = layer.getElement() && layer.getElement().querySelector(".asm-marker");
        if (holder) { holder.classList.add("asm-selected"); }
        bounds = bounds ? bounds.extend(layer.getLatLng()) : L.latLngBounds([layer.getLatLng()]);
      } else if (layer.getLatLngs) {
        if (layer._path) { layer._path.classList.add("asm-selected"); } else if (layer.bringToFront) { layer.bringToFront(); }
        var halo = layer instanceof L.Polygon ?
          L.polygon(layer.getLatLngs(), {pane: "asmHalo", color: "#1a1a1a", weight: 7, opacity: 0.75, fill: false, interactive: false}) :
          L.polyline(layer.getLatLngs(), {pane: "asmHalo", color: "#1a1a1a", weight: (layer.options.weight || 3) + 7, opacity: 0.6, interactive: false});
        halo.addTo(state.halos);
        var b = layer.getBounds();
        bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
      }
    });
    if (pan && bounds) {
      var view = map.getBounds(), points = layers.every(function (l) { return l instanceof L.Marker || l._asmPoint; });
      if (points ? !view.contains(bounds) : !view.intersects(bounds)) {
        map._asmFraming = true;  // the page's choice, not the reader moving the map: resizes still reframe
        map.panTo(bounds.getCenter(), {animate: false});
        map._asmFraming = false;
      }
    }
    return layers.length > 0;
  }

  /* ------------------------------------------------------------------ canvas points (thousands of records) */

  var OUTLINES = {};  // shape name: its outline as [x, y] points in the symbols' 22 px box; null for a circle

  function outlineOf(shape) {
    /* Read once from the symbol's SVG geometry above, so the canvas draws the legend's shapes. */
    if (OUTLINES[shape] !== undefined) { return OUTLINES[shape]; }
    var markup = SHAPES[shape] || "", m = /points="([^"]+)"/.exec(markup), out = null;
    if (m) {
      out = m[1].trim().split(/\s+/).map(function (pair) { return pair.split(",").map(Number); });
    } else if ((m = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(markup))) {
      var x = +m[1], y = +m[2], w = +m[3], h = +m[4];
      out = [[x, y], [x + w, y], [x + w, y + h], [x, y + h]];
    } else if ((m = /<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/.exec(markup))) {
      out = [[+m[1], +m[2]], [+m[3], +m[4]]];
    }
    OUTLINES[shape] = out;
    return out;
  }

  function pointClass() {
    /* A circle marker drawn `shift` px from its place (its slot in the place's group), like the symbols,
       in its kind's shape (options.outline; hit-tested as its circle). */
    if (!state.point) {
      state.point = L.CircleMarker.extend({
        _asmPoint: true,
        _project: function () {
          var at = this._map.latLngToLayerPoint(this._latlng), shift = this.options.shift || [0, 0];
          this._point = L.point(at.x + shift[0], at.y + shift[1]);
          this._updateBounds();
        },
        _updatePath: function () {
          var outline = this.options.outline, renderer = this._renderer;
          if (!outline) { renderer._updateCircle(this); return; }
          if (!renderer._drawing || this._empty()) { return; }
          var ctx = renderer._ctx, p = this._point, k = this._radius / 8;  // the circle symbol's radius is 8
          ctx.beginPath();
          outline.forEach(function (xy, i) {
            var x = p.x + (xy[0] - 11) * k, y = p.y + (xy[1] - 11) * k;
            if (i) { ctx.lineTo(x, y); } else { ctx.moveTo(x, y); }
          });
          if (outline.length > 2) { ctx.closePath(); }
          renderer._fillStroke(ctx, this);
        }
      });
    }
    return state.point;
  }

  function canvasRenderer() {
    /* One canvas for every step's layer, made once and kept by the map. In a pane of its own above the
       outlines (their SVG would hide it, and take its pointer events): the layer's routes and areas are
       drawn on it too, under the points, so that one hit test finds what is under the pointer. */
    if (!state.canvas) {
      if (state.map && !state.map.getPane("asmCanvas")) { state.map.createPane("asmCanvas"); }
      state.canvas = L.canvas({pane: state.map ? "asmCanvas" : "overlayPane", padding: 0.3, tolerance: POINT_TOLERANCE});
    }
    return state.canvas;
  }

  function canvasPoint(feature, latlng) {
    var p = feature.properties, style = kindOf(p.kind), isOpen = OPEN_STATUSES[p.status] === true;
    var changed = p.change && p.change !== "unchanged";
    var outline = outlineOf(SHAPES[style.shape] ? style.shape : "circle");
    var isLine = outline !== null && outline.length === 2;  // the route symbol: a short dashed stroke
    var Point = pointClass();
    return new Point(latlng, {
      renderer: canvasRenderer(),
      shift: gridOffset(p.slot || 0, p.slots || 1, POINT_CELL),
      outline: outline,
      radius: changed ? POINT_RADIUS + 1.5 : POINT_RADIUS,
      fill: !isLine,
      fillColor: isOpen ? "#ffffff" : style.colour,
      fillOpacity: 1,
      color: isLine || (isOpen && !changed) ? style.colour : "#1a1a1a",  // a changed record: larger, with a thick rim
      weight: isLine ? 3 : (changed ? 2.5 : (isOpen ? 2 : 1)),
      dashArray: isLine ? "4 2" : null,
      bubblingMouseEvents: false  // as a marker: a click on a point is the point's, not the map's
    });
  }

  function canvasRing(layer, ring) {
    var Point = pointClass();
    return new Point(layer.getLatLng(), {  // a ring (no outline): the selection, whatever the symbol
      renderer: canvasRenderer(), shift: layer.options.shift, radius: layer.options.radius + 3,
      fill: false, color: ring.color, weight: ring.weight, interactive: false
    });
  }

  function pointOffset(layer, up) {
    var shift = layer.options.shift || [0, 0];
    return L.point(shift[0], shift[1] - layer.options.radius - up);
  }

  /* Popups and tooltips of canvas points are made when asked for, from the feature's properties. */
  function openPointPopup(e) {
    var layer = e.target, map = layer._map, p = layer.feature.properties;
    if (!map) { return; }
    L.popup(L.extend({offset: pointOffset(layer, -5)}, POPUP))
      .setLatLng(layer.getLatLng()).setContent(window.asm.popup(p)).openOn(map);
    var ids = recordIds(p);
    state.selected = ids;
    applySelection(map, false);
    announce(ids);
  }

  function openPointTooltip(e) {
    var layer = e.target, map = layer._map;
    if (!map) { return; }
    closePointTooltip();
    state.tooltip = L.tooltip({direction: "top", opacity: 0.95, offset: pointOffset(layer, 2)})
      .setLatLng(layer.getLatLng()).setContent(window.asm.tooltip(layer.feature.properties));
    map.openTooltip(state.tooltip);
  }

  function closePointTooltip() {
    if (state.tooltip && state.tooltip._map) { state.tooltip._map.closeTooltip(state.tooltip); }
    state.tooltip = null;
  }

  function announce(ids) {
    try {
      window.parent.postMessage({type: "asm:select", recordIds: ids}, "*");
    } catch (error) { /* no parent page (the snapshot opened as a file): the highlight is enough */ }
  }

  /* ------------------------------------------------------------------ legend */

  function legendLine(style) {
    var icon = el("span", "asm-legend-icon asm-legend-line");
    var line = svgEl("svg", {width: 28, height: 14, viewBox: "0 0 28 14", "aria-hidden": "true"});
    var attributes = {x1: 1, y1: 7, x2: 27, y2: 7, stroke: kindOf("deployment").colour, "stroke-width": style.weight,
                      "stroke-opacity": style.opacity || 0.95};
    if (style.dash) { attributes["stroke-dasharray"] = style.dash; }
    if (style.round) { attributes["stroke-linecap"] = "round"; }
    line.appendChild(svgEl("line", attributes));
    icon.appendChild(line);
    return icon;
  }

  function setLegendOpen(legend, open) {
    /* Opened or folded by the map, not the reader: the toggle event that follows is not theirs. */
    legend._asmAutoOpen = open;  // toggle events are coalesced: compare states, do not count events
    legend.open = open;
  }

  function legendItem(items, icon, text) {
    var item = el("div", "asm-legend-item");
    item.appendChild(icon);
    item.appendChild(el("span", null, text));
    items.appendChild(item);
    return item;
  }

  window.asm = {
    kinds: KINDS,
    iconHtml: svg,
    setKinds: function (kinds) {
      /* The one definition is geo.display.KINDS, in its order: [{kind, label, colour, shape}, ...].
         The map keeps the same object, so window.asm.kinds always shows what it draws with. */
      Object.keys(KINDS).forEach(function (kind) { delete KINDS[kind]; });
      kinds.forEach(function (k) { KINDS[k.kind] = {label: k.label, colour: k.colour, shape: k.shape}; });
    },
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
      if (properties.label) { root.appendChild(el("div", "asm-tooltip-label", properties.label)); }
      records.forEach(function (p) { root.appendChild(el("div", null, p.title + " (" + p.status_label + ")")); });
      return root;
    },
    pointToLayer: function (feature, latlng, renderer) {
      if (renderer === "canvas") { return canvasPoint(feature, latlng); }
      var p = feature.properties;
      var changed = p.change && p.change !== "unchanged";
      var holder = el("div", "asm-marker asm-kind-" + p.kind + (changed ? " asm-changed" : "") + (p.is_date_range ? " asm-range" : ""));
      holder.setAttribute("data-record-id", p.record_id);
      if (p.place_id) { holder.setAttribute("data-place-id", p.place_id); }
      holder.setAttribute("role", "img");
      holder.setAttribute("aria-label", p.title + (p.is_date_range ? " (date is a range; day not stated)" : ""));
      holder.innerHTML = svg(p.kind, OPEN_STATUSES[p.status] === true);  // constant markup only
      if (p.is_date_range) { holder.appendChild(el("span", "asm-range-badge", "≈")); }
      /* Centred in its place's group; layout() moves the group aside if it would cover another. */
      var offset = gridOffset(p.slot || 0, p.slots || 1);
      var icon = L.divIcon({className: "asm-marker-box", html: holder, iconSize: [22, 22],
                            iconAnchor: [11 - offset[0], 11 - offset[1]],
                            popupAnchor: [offset[0], offset[1] - 10], tooltipAnchor: [offset[0], offset[1] - 10]});
      return L.marker(latlng, {icon: icon, title: p.title, alt: p.title, riseOnHover: true});
    },
    onEachFeature: function (feature, layer, renderer) {
      var p = feature.properties;
      if (layer._asmPoint) {  // nothing bound now: the popup and tooltip are made on click and hover
        layer.on({click: openPointPopup, mouseover: openPointTooltip, mouseout: closePointTooltip});
        return;
      }
      var onCanvas = renderer === "canvas";
      if (onCanvas) { layer.options.renderer = canvasRenderer(); }  // read when the layer is added to the map
      function bind(target) {
        target.bindPopup(function () { return window.asm.popup(p); }, POPUP);
        target.bindTooltip(function () { return window.asm.tooltip(p); }, {sticky: !(target instanceof L.Marker), direction: "top", opacity: 0.95});
        target.on("click", function () {
          var ids = recordIds(p);
          state.selected = ids;
          if (target._map) { applySelection(target._map, false); }
          announce(ids);
        });
      }
      bind(layer);
      if (p.label !== undefined && layer.getLatLngs && !(layer instanceof L.Polygon)) {
        /* A dotted route is mostly gaps, and a pointer in a gap hovers nothing (or what lies under):
           an invisible band along it, a few px wide, answers for it. */
        layer.on("add", function () {
          var hit = L.polyline(layer.getLatLngs(), {weight: 9, opacity: 0, className: "asm-route-hit asm-hit-" + p.record_id,
                                                    renderer: onCanvas ? canvasRenderer() : undefined});
          bind(hit);
          hit.addTo(layer._map);
          layer._asmHit = hit;
        });
        layer.on("remove", function () { if (layer._asmHit) { layer._asmHit.remove(); layer._asmHit = null; } });
      }
    },
    style: function (feature) { return feature.properties.style; },
    select: function (recordId) {
      /* The page's selection: highlight the record's symbol, route or area, bring it into view at
         the same zoom; false when the map does not draw it. null clears. */
      state.selected = recordId === null || recordId === undefined ? [] : [String(recordId)];
      return state.map ? applySelection(state.map, true) : false;
    },
    selected: function () { return state.selected.slice(); },
    /* Read-only, for tests and the benchmark: the ids of the records the map draws (symbols, canvas
       points, routes and areas), those highlighted as selected, and how the points are drawn. */
    drawnIds: function () {  // each once (a deployment on the ground is drawn at its site and by its route)
      var ids = [], seen = {};
      if (state.map) {
        state.map.eachLayer(function (layer) {
          var p = layer.feature && layer.feature.properties;
          if (!p || !p.record_id) { return; }
          recordIds(p).forEach(function (id) { if (!seen[id]) { seen[id] = true; ids.push(id); } });
        });
      }
      return ids;
    },
    highlighted: function () { return state.highlighted.slice(); },
    renderer: function () {
      var found = "dom";
      if (state.map) {
        state.map.eachLayer(function (layer) { if (layer._asmPoint && layer.feature) { found = "canvas"; } });
      }
      return found;
    },
    relabel: function () { if (state.map) { layout(state.map); } },
    reframe: function () { if (state.reframe) { state.reframe(); } },
    isFramed: function () { return state.isFramed ? state.isFramed() : false; },
    touchedBy: function () { return state.touchedBy || null; },
    describeMap: function (map) {
      /* The scale bar goes to the bottom-right corner, above the attribution: the bottom-left one
         is the legend's, and a shorter legend leaves the data more room. */
      var scale = map.getContainer().querySelector(".leaflet-control-scale");
      var right = map._controlCorners && map._controlCorners.bottomright;
      if (scale && right) { right.insertBefore(scale, right.firstChild); }
      /* For a screen reader the map is a named region (its records are all listed in text too);
         and the page may be zoomed: folium's viewport tag forbids it, which matters in the snapshot. */
      var container = map.getContainer();
      container.setAttribute("role", "region");
      container.setAttribute("aria-label", "Situation map. Every record drawn here is also listed in text with the same title.");
      document.querySelectorAll('meta[name="viewport"]').forEach(function (viewport) {
        viewport.setAttribute("content", "width=device-width, initial-scale=1.0");
      });
    },
    addLabels: function (map, labels) {
      /* Territory names of the base map (Greenland); placed with the records' labels, see layout(). */
      state.map = map;
      state.baseLabels = labels;
      labelPane(map);
      map.on("layeradd layerremove", function (e) {
        if (e.layer && (e.layer.feature || e.layer instanceof L.FeatureGroup)) { schedule(map); }
      });
      map.on("zoomstart", function () { labelPane(map).style.visibility = "hidden"; });
      map.on("zoomend", function () { labelPane(map).style.visibility = ""; schedule(map); });
      map.on("resize moveend viewreset", function () { schedule(map); });
      schedule(map);
    },
    keepFramed: function (map, bounds) {
      /* The iframe gets its final width after the map is made: frame the records again on
         resizes until the reader moves the map, then leave their view alone. */
      var touched = false, popupOpen = false;
      map.on("zoomstart movestart", function (e) {
        if (!map._asmFraming && !touched) { touched = true; state.touchedBy = e.type + " at " + map.getZoom(); }
      });
      /* The legend sits above popups (Leaflet's controls are on top): fold it while a popup is open. */
      map.on("popupopen", function () {
        popupOpen = true;
        var legend = map.getContainer().querySelector(".asm-legend");
        if (legend && legend.open) { setLegendOpen(legend, false); legend.setAttribute("data-folded-for-popup", ""); }
      });
      map.on("popupclose", function () {
        var legend = map.getContainer().querySelector(".asm-legend[data-folded-for-popup]");
        if (legend) { legend.removeAttribute("data-folded-for-popup"); setLegendOpen(legend, true); }
        popupOpen = false;
      });
      function fitLegend() {
        /* On a small map (a laptop) the open legend would cover the data or shrink them to a corner:
           it starts folded there, its "Legend" button one click away, and opens when the map is
           large enough. Once the reader opens or folds it, it stays as they left it. */
        var legend = map.getContainer().querySelector(".asm-legend");
        var corner = map._controlCorners && map._controlCorners.bottomleft;
        if (!legend || !corner || legend.hasAttribute("data-user-set") || popupOpen) { return; }
        if (!legend.open) { setLegendOpen(legend, true); }
        var tall = corner.getBoundingClientRect().height > map.getSize().y * LEGEND_SHARE;
        setLegendOpen(legend, !tall);
        if (tall) { legend.setAttribute("data-folded-for-space", ""); } else { legend.removeAttribute("data-folded-for-space"); }
      }
      function frame() {
        if (touched || popupOpen) { return; }
        fitLegend();
        map._asmFraming = true;
        map.invalidateSize(false);
        map.fitBounds(bounds, framePadding(map, bounds));
        map._asmFraming = false;
      }
      map.on("resize", frame);
      setTimeout(frame, 0);
      /* Once the reader has moved the map, a resize of its frame keeps their centre exactly: Leaflet
         works the centre out again from whole pixels after any size change (and fires no event when
         the change is a pixel), so a page that shrinks the frame by a few px and grows it back
         (during a date step) would move their view by a fraction of a pixel. */
      var kept = null, invalidate = map.invalidateSize;
      map.on("moveend", function () { kept = {centre: map.getCenter(), zoom: map.getZoom()}; });
      map.invalidateSize = function (options) {
        var result = invalidate.call(map, options);
        if (touched && !popupOpen && kept && kept.zoom === map.getZoom() && !kept.centre.equals(map.getCenter())) {
          map._asmFraming = true;
          map.setView(kept.centre, kept.zoom, {reset: true});  // a sub-pixel pan would be dropped
          map._asmFraming = false;
        }
        return result;
      };
      /* The page frames the map again (a briefing stop that releases its own framing): the same frame,
         clear of the legend, and resizes reframe again until the reader moves the map. */
      state.reframe = function () { touched = false; popupOpen = false; frame(); };
      state.isFramed = function () { return !touched; };
      var corner = map._controlCorners && map._controlCorners.bottomleft;
      if (corner && window.ResizeObserver) {  // the legend laid out, its fonts loaded, opened or closed
        new ResizeObserver(function () { frame(); schedule(map); }).observe(corner);
      }
    },
    legend: function () {
      var root = el("details", "asm-legend");
      root.open = root._asmAutoOpen = true;
      root.addEventListener("toggle", function () {
        if (root.open !== root._asmAutoOpen) { root.setAttribute("data-user-set", ""); root._asmAutoOpen = root.open; }
      });
      root.appendChild(el("summary", "asm-legend-title", "Legend"));
      var items = el("div", "asm-legend-items");
      root.appendChild(items);
      Object.keys(KINDS).forEach(function (kind) {
        var icon = el("span", "asm-legend-icon");
        icon.innerHTML = svg(kind, false);  // constant markup only
        legendItem(items, icon, KINDS[kind].label + (kind === "deployment" ? " route" : ""));
      });
      var openIcon = el("span", "asm-legend-icon");
      openIcon.innerHTML = svg("meeting", true);
      legendItem(items, openIcon, "Hollow: planned, pending or unconfirmed").classList.add("asm-legend-wide");
      var rangeIcon = el("span", "asm-legend-icon asm-range");
      rangeIcon.innerHTML = svg("meeting", false);
      rangeIcon.appendChild(el("span", "asm-range-badge", "≈"));
      legendItem(items, rangeIcon, "≈ Date is a range");
      legendItem(items, el("span", "asm-legend-area"), "Area: territory, not a site");
      var routes = el("div", "asm-legend-group", "Routes (schematic), labelled country · number");
      items.appendChild(routes);
      legendItem(items, legendLine({weight: 4.5}), "Thick: number stated");
      legendItem(items, legendLine({weight: 2}), "Thin: number not stated");
      legendItem(items, legendLine({weight: 3, dash: "1 6", round: true}), "Dotted: announced");
      legendItem(items, legendLine({weight: 3, dash: "8 5"}), "Dashed: under way");
      legendItem(items, legendLine({weight: 3}), "Solid: on the ground");
      legendItem(items, legendLine({weight: 3, dash: "1 6", round: true, opacity: 0.45}), "Faint dots: left");
      return root;
    }
  };
})();
