// The crime map: incidents from the open data API as clustered markers, or, when the view holds
// more than the map can draw one by one, counts by area from the aggregate endpoint. The page
// works without this script (the counts by category and the table); no data is ever written
// into the page as HTML, only as text.
(function () {
  "use strict";
  var holder = document.querySelector("[data-crime-map]");
  if (!holder || !window.L || !L.markerClusterGroup || !window.fetch) {
    return;
  }
  var settings = holder.dataset;
  // The page hands over its language's sentences, with {name} where a value goes; a page without
  // them (or with a part missing) reads these English ones.
  var ENGLISH = {
    loading: "Loading the incidents in this view…",
    none: "No incidents with a place on the map in this view. Zoom out, or widen the filter above.",
    shown: {
      one: "{count} incident with a place in this view. A circle with a number groups nearby ones: select it " +
        "to zoom in. Sensitive offenses are not shown at a point.",
      other: "{count} incidents with a place in this view. A circle with a number groups nearby ones: select it " +
        "to zoom in. Sensitive offenses are not shown at a point."
    },
    newest: "The newest {shown} incidents with a place in this view are shown, of about {total}. " +
      "Choose fewer days to see the others.",
    cells: {
      one: "{count} incident in this view, too many to show one by one: the numbers count them in squares of " +
        "about {metres} m. Zoom in to see single incidents.",
      other: "{count} incidents in this view, too many to show one by one: the numbers count them in squares of " +
        "about {metres} m. Zoom in to see single incidents."
    },
    cellTitle: {
      one: "{count} incident in this area: select to zoom in",
      other: "{count} incidents in this area: select to zoom in"
    },
    cellLabel: { one: "incident here: zoom in", other: "incidents here: zoom in" },
    failed: "The map could not load the incidents just now. The table has the same ones.",
    noPlace: "No usable location"
  };
  var words = Object.assign({}, ENGLISH, readJSON(settings.words));
  // The API names categories in English; the page names them in its language.
  var categoryNames = readJSON(settings.categories);
  var status = document.querySelector("[data-crime-map-status]");
  var maxPoints = Number(settings.maxPoints);
  // The API's largest page.
  var pageSize = Math.min(1000, maxPoints);
  var when = new Intl.DateTimeFormat(settings.locale || "en-US", {
    timeZone: settings.timezone, dateStyle: "medium", timeStyle: "short"
  });

  holder.hidden = false;
  status.hidden = false;
  // The clusters need a highest zoom even when no tile layer brings one.
  var map = L.map(holder, { maxZoom: 19 }).setView(settings.center.split(",").map(Number), Number(settings.zoom));
  if (settings.tiles) {
    // OpenStreetMap's tile policy asks for a Referer; the page itself sends none elsewhere.
    L.tileLayer(settings.tiles, {
      attribution: settings.attribution, maxZoom: 19, referrerPolicy: "strict-origin"
    }).addTo(map);
  }
  var points = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false }).addTo(map);
  var cells = L.layerGroup().addTo(map);
  // Each load counts up, so that the answer to an older view is dropped when it comes late.
  var generation = 0;
  var controller = null;
  // The area whose every point is drawn: moving inside it (as opening a popup may) needs no reload.
  var drawnBounds = null;

  function say(text) {
    status.textContent = text;
  }

  function readJSON(text) {
    try {
      return JSON.parse(text || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (placeholder, name) {
      return name in values ? String(values[name]) : placeholder;
    });
  }

  function counted(forms, count, values) {
    return fill(count === 1 ? forms.one : forms.other, Object.assign({ count: count }, values));
  }

  function categoryOf(properties) {
    return categoryNames[properties.category] || properties.category_name;
  }

  function withQuery(path, extra) {
    return path + "?" + (settings.query ? settings.query + "&" : "") + extra;
  }

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  function boxOf(bounds) {
    return [clamp(bounds.getWest(), -180, 180), clamp(bounds.getSouth(), -90, 90),
      clamp(bounds.getEast(), -180, 180), clamp(bounds.getNorth(), -90, 90)]
      .map(function (value) { return value.toFixed(6); }).join(",");
  }

  function getJSON(url, signal) {
    return fetch(url, { signal: signal, headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  function addText(parent, tag, text) {
    var element = document.createElement(tag);
    element.textContent = text;
    parent.appendChild(element);
    return element;
  }

  function popupOf(properties) {
    var box = document.createElement("div");
    box.className = "crime-popup";
    addText(addText(box, "p", ""), "strong", categoryOf(properties));
    addText(box, "p", when.format(new Date(properties.occurred_at)));
    addText(box, "p", properties.block || words.noPlace);
    addText(box, "p", properties.offense);
    return box;
  }

  function markerOf(feature) {
    var properties = feature.properties;
    var coordinates = feature.geometry.coordinates;
    var label = categoryOf(properties) + ", " + when.format(new Date(properties.occurred_at));
    return L.marker([coordinates[1], coordinates[0]], { title: label, alt: label, keyboard: true })
      .bindPopup(function () { return popupOf(properties); });
  }

  // Page after page through the API's "next" links; only their query is used, so the requests
  // stay on this site whatever address the API writes into its links.
  function loadPoints(box, signal, mine) {
    var features = [];
    function page(url) {
      return getJSON(url, signal).then(function (data) {
        if (mine !== generation) {
          return null;
        }
        features = features.concat(data.features);
        if (data.next && features.length < maxPoints) {
          return page(settings.points + new URL(data.next, window.location.href).search);
        }
        return features;
      });
    }
    return page(withQuery(settings.points, "bbox=" + box + "&limit=" + pageSize));
  }

  function drawPoints(features, bounds, total) {
    cells.clearLayers();
    points.clearLayers();
    points.addLayers(features.map(markerOf));
    var complete = features.length < maxPoints;
    drawnBounds = complete ? bounds : null;
    if (!features.length) {
      say(words.none);
    } else if (complete) {
      say(counted(words.shown, features.length));
    } else {
      say(fill(words.newest, { shown: features.length, total: total }));
    }
  }

  function drawCells(data, total) {
    points.clearLayers();
    cells.clearLayers();
    drawnBounds = null;
    data.counts.forEach(function (cell) {
      var bounds = L.latLngBounds([cell.bbox[1], cell.bbox[0]], [cell.bbox[3], cell.bbox[2]]);
      L.rectangle(bounds, { color: "#0b3d91", weight: 1, fillOpacity: 0.08, interactive: false }).addTo(cells);
      var label = document.createElement("span");
      label.textContent = String(cell.count);
      addText(label, "span", " " + counted(words.cellLabel, cell.count)).className = "visually-hidden";
      var size = cell.count > 999 ? 48 : 36;
      L.marker(bounds.getCenter(), {
        icon: L.divIcon({ html: label, className: "crime-cell-count", iconSize: [size, size] }),
        title: counted(words.cellTitle, cell.count), keyboard: true
      }).on("click", function () { map.fitBounds(bounds); }).addTo(cells);
    });
    say(counted(words.cells, total, { metres: data.cell_metres }));
  }

  // Whether the view is wider or taller than a few of the squares that incidents are counted in.
  function spansCells(bounds, cell) {
    var width = cell.bbox[2] - cell.bbox[0];
    var height = cell.bbox[3] - cell.bbox[1];
    return bounds.getEast() - bounds.getWest() > 3 * width || bounds.getNorth() - bounds.getSouth() > 3 * height;
  }

  function load() {
    generation += 1;
    var mine = generation;
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    var signal = controller.signal;
    // A margin around the view, so that small moves stay inside what is drawn.
    var bounds = map.getBounds().pad(0.2);
    var box = boxOf(bounds);
    say(words.loading);
    // The counts by area come first: cheap, and they tell whether the points fit on the map.
    getJSON(withQuery(settings.cells, "by=cell&bbox=" + box), signal).then(function (data) {
      if (mine !== generation) {
        return null;
      }
      var total = data.counts.reduce(function (sum, cell) { return sum + cell.count; }, 0);
      if (total > maxPoints && spansCells(bounds, data.counts[0])) {
        drawCells(data, total);
        return null;
      }
      // A view of a square or two: its counts would say nothing new, so the newest points are drawn.
      return loadPoints(box, signal, mine).then(function (features) {
        if (features && mine === generation) {
          drawPoints(features, bounds, total);
        }
      });
    }).catch(function (error) {
      if (error.name !== "AbortError") {
        say(words.failed);
      }
    });
  }

  map.on("moveend", function () {
    if (drawnBounds && drawnBounds.contains(map.getBounds())) {
      return;
    }
    load();
  });
  load();
}());
