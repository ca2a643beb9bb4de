// Drawing a routing area's outline on a map. The outline field stays the source of truth (and
// works without script): clicks add corners to it, and typing in it redraws the shape.
(function () {
  "use strict";
  var holder = document.querySelector("[data-area-map]");
  if (!holder || !window.L) {
    return;
  }
  var field = document.getElementById(holder.dataset.field);

  function cornersOf(text) {
    if (text.trim().charAt(0) === "{") {
      return [];
    }
    return text.split(/[;\n]/).map(function (corner) {
      return corner.split(",").map(Number);
    }).filter(function (pair) {
      return pair.length === 2 && isFinite(pair[0]) && isFinite(pair[1]);
    });
  }

  holder.hidden = false;
  var center = holder.dataset.center.split(",").map(Number);
  // A quick second click is another corner, not a zoom.
  var map = L.map(holder, { doubleClickZoom: false }).setView(center, Number(holder.dataset.zoom));
  if (holder.dataset.tiles) {
    // OpenStreetMap's tile policy asks for a Referer; the page itself sends none elsewhere.
    L.tileLayer(holder.dataset.tiles, {
      attribution: holder.dataset.attribution, maxZoom: 19, referrerPolicy: "strict-origin"
    }).addTo(map);
  }
  JSON.parse(holder.dataset.others).forEach(function (other) {
    L.polygon(cornersOf(other.outline), { color: "#555", weight: 1, fillOpacity: 0.05 })
      .bindTooltip(other.name).addTo(map);
  });

  var corners = cornersOf(field.value);
  var shape = L.polygon(corners, { color: "#0b4f8a" }).addTo(map);
  if (corners.length > 2) {
    map.fitBounds(shape.getBounds(), { padding: [20, 20], animate: false });
  }

  function write() {
    field.value = corners.map(function (corner) {
      return corner[0].toFixed(6) + "," + corner[1].toFixed(6);
    }).join("; ");
    shape.setLatLngs(corners);
  }

  map.on("click", function (event) {
    corners.push([event.latlng.lat, event.latlng.lng]);
    write();
  });
  field.addEventListener("input", function () {
    corners = cornersOf(field.value);
    shape.setLatLngs(corners);
  });

  var tools = document.createElement("p");
  tools.className = "map-tools";
  [["Undo last corner", function () { corners.pop(); }], ["Clear the outline", function () { corners = []; }]]
    .forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = tool[0];
      button.addEventListener("click", function () { tool[1](); write(); });
      tools.appendChild(button);
    });
  holder.parentNode.insertBefore(tools, holder.nextSibling);
}());
