// Photos are made smaller on the phone before they are sent: a photo from a phone camera is
// often 4000 × 3000 pixels and several MB, slow to send on a mobile network and over the
// server's limit. Each JPEG, PNG or WebP chosen in an <input type=file data-photos> whose
// longer edge is over data-max-edge (or whose size is over data-max-bytes) is drawn again
// at that edge as a JPEG, the right way up (EXIF orientation), and put back in the input;
// the page says what each became. Without JavaScript (or with a browser too old for
// createImageBitmap) the photos are sent as chosen, and the server checks the same limits.
(function () {
  "use strict";
  var SHRINKABLE = /^image\/(jpeg|png|webp)$/;
  var QUALITY = 0.85;

  function fill(text, values) {
    return (text || "").replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB"
      : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function jpegName(name) {
    return (name.replace(/\.[^.]*$/, "") || "photo") + ".jpg";
  }

  // The photo as it should be sent: {file, width, height} (width 0 when left as chosen).
  function shrink(file, maxEdge, maxBytes, maxPixels) {
    var asChosen = {file: file, width: 0, height: 0};
    if (!SHRINKABLE.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(asChosen);
    }
    return createImageBitmap(file, {imageOrientation: "from-image"}).then(function (bitmap) {
      var longer = Math.max(bitmap.width, bitmap.height);
      var scale = Math.min(1, maxEdge / longer);
      if (bitmap.width * bitmap.height * scale * scale > maxPixels) {
        scale = Math.sqrt(maxPixels / (bitmap.width * bitmap.height));
      }
      if (scale === 1 && file.size <= maxBytes) {
        bitmap.close();
        return asChosen;
      }
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";  // a JPEG has no transparency: a PNG's shows white
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || (scale === 1 && blob.size >= file.size)) { resolve(asChosen); return; }
          resolve({
            file: new File([blob], jpegName(file.name), {type: "image/jpeg", lastModified: Date.now()}),
            width: canvas.width, height: canvas.height
          });
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return asChosen; });  // not decodable here: the server decides
  }

  function attach(input) {
    var form = input.form;
    var maxCount = parseInt(input.getAttribute("data-max-count"), 10) || 1;
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10) || 5242880;
    var maxPixels = parseInt(input.getAttribute("data-max-pixels"), 10) || 40000000;
    var maxEdge = parseInt(input.getAttribute("data-max-edge"), 10) || 1600;
    var keepName = input.getAttribute("data-keep-name");
    var status = document.createElement("ul");
    status.className = "photo-status";
    status.setAttribute("aria-live", "polite");
    status.setAttribute("data-testid", "photo-status");
    input.insertAdjacentElement("afterend", status);

    function say(lines, problem) {
      status.textContent = "";
      lines.forEach(function (line) {
        var li = document.createElement("li");
        li.textContent = line;
        status.appendChild(li);
      });
      status.classList.toggle("error", Boolean(problem));
      input.setCustomValidity(problem || "");
    }

    function buttons(disabled) {
      if (!form) { return; }
      var all = form.querySelectorAll("button[type=submit], button:not([type])");
      for (var i = 0; i < all.length; i++) { all[i].disabled = disabled; }
    }

    function kept() {
      return form && keepName ? form.querySelectorAll(
        "input[type=checkbox][name='" + keepName + "']:checked").length : 0;
    }

    input.addEventListener("change", function () {
      var chosen = Array.prototype.slice.call(input.files || []);
      if (!chosen.length) { say([], ""); return; }
      if (chosen.length + kept() > maxCount) {
        var many = fill(input.getAttribute("data-text-too-many"), {n: maxCount});
        say([many], many);
        return;
      }
      say([input.getAttribute("data-text-working")], "");
      buttons(true);
      Promise.all(chosen.map(function (f) {
        return shrink(f, maxEdge, maxBytes, maxPixels);
      })).then(function (results) {
        var lines = [], problem = "";
        if (window.DataTransfer) {
          var transfer = new DataTransfer();
          results.forEach(function (r) { transfer.items.add(r.file); });
          input.files = transfer.files;  // no "change" event: this runs once per choice
        } else {
          results = chosen.map(function (f) { return {file: f, width: 0, height: 0}; });
        }
        results.forEach(function (r, i) {
          var before = size(chosen[i].size);
          lines.push(r.width ? fill(input.getAttribute("data-text-shrunk"), {
            name: chosen[i].name, before: before, after: size(r.file.size),
            width: r.width, height: r.height
          }) : fill(input.getAttribute("data-text-kept"), {name: chosen[i].name, before: before}));
          if (r.file.size > maxBytes && !problem) {
            problem = fill(input.getAttribute("data-text-too-big"), {
              name: chosen[i].name, mb: Math.round(maxBytes / 1048576)
            });
          }
        });
        if (problem) { lines.push(problem); }
        say(lines, problem);
        buttons(false);
      });
    });
  }

  var inputs = document.querySelectorAll("input[type=file][data-photos]");
  for (var i = 0; i < inputs.length; i++) { attach(inputs[i]); }
})();
