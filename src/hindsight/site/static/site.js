/* Hindsight's static site: the search and the filters the portal runs on its server, run in the browser.
 *
 * Search: every word of the query must be in the postmortem, as in the portal's SQLite FTS5 index
 * (tokenize='porter unicode61'). The words of the query are split as Python's str.split() splits them,
 * then read as FTS5 reads them: split and folded with FTS5's own table of characters (search-tokens.js,
 * read from SQLite when the site was built) and stemmed with the original Porter algorithm (stemmer.js),
 * which FTS5 implements; the index (search-index.js) holds FTS5's own terms of each postmortem, and FTS5's
 * stems of the few words the two stemmers could make differently (hindsight.site.search). */
(function () {
  "use strict";

  var MAX_TERMS = 16; // as the portal: words past it are not searched for
  // What Python's str.split() splits at (JavaScript's \s differs: U+FEFF, U+001C-U+001F, U+0085).
  var SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  var UTF8 = new TextEncoder();
  var data = window.HINDSIGHT_SEARCH || null;
  var table = window.HINDSIGHT_TOKENS || null;
  var index = null;

  function loadIndex() {
    if (!index && data && window.lunr) {
      index = window.lunr.Index.load(data.index);
    }
    return index;
  }

  function separates(code) {
    var ranges = table.separators, lo = 0, hi = ranges.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (code < ranges[mid][0]) { hi = mid - 1; } else if (code > ranges[mid][1]) { lo = mid + 1; } else {
        return true;
      }
    }
    return false;
  }

  /* The tokens FTS5's unicode61 tokenizer reads in `text`. */
  function tokens(text) {
    var out = [], word = "";
    for (var ch of text) {
      var code = ch.codePointAt(0), part;
      if (code < 0x80) {
        part = /[0-9A-Za-z]/.test(ch) ? ch.toLowerCase() : null;
      } else if (separates(code)) {
        part = null;
      } else if (table.dropped.indexOf(code) >= 0) {
        part = "";
      } else {
        part = Object.prototype.hasOwnProperty.call(table.folds, code) ? table.folds[code] : ch;
      }
      if (part === null) {
        if (word) { out.push(word); }
        word = "";
      } else {
        word += part;
      }
    }
    if (word) { out.push(word); }
    return out;
  }

  /* FTS5's porter stem of a token: words of 3 to 64 bytes are stemmed, others kept as they are. */
  function stem(token) {
    if (Object.prototype.hasOwnProperty.call(data.forms, token)) {
      return data.forms[token];
    }
    var bytes = UTF8.encode(token).length;
    return bytes < 3 || bytes > 64 ? token : window.porterStemmer(token);
  }

  /* The ids of the postmortems holding every word of `query`; null when there is nothing to search for. */
  function search(query) {
    var words = query.split(SPACE).filter(Boolean).slice(0, MAX_TERMS);
    if (!words.length) {
      return null;
    }
    var idx = loadIndex();
    if (!idx || !table || !window.porterStemmer) {
      return new Set();
    }
    var terms = [], phrases = [];
    for (var i = 0; i < words.length; i++) {
      var found = tokens(words[i]);
      if (!found.length) {
        return new Set(); // a word FTS5 reads no token in matches nothing, there as here
      }
      var stems = found.map(stem);
      terms.push.apply(terms, stems);
      if (stems.length > 1) {
        phrases.push(stems); // FTS5 reads a word of several tokens (on-call, v2.3.1) as a phrase
      }
    }
    var hits = idx.query(function (q) {
      terms.forEach(function (t) {
        q.term(t, {presence: window.lunr.Query.presence.REQUIRED, usePipeline: false,
                   wildcard: window.lunr.Query.wildcard.NONE, fields: ["text"]});
      });
    });
    return new Set(hits.filter(function (hit) {
      return phrases.every(function (phrase) { return together(hit.matchData.metadata, phrase); });
    }).map(function (hit) { return data.docs[Number(hit.ref)].id; }));
  }

  /* Whether the terms of `phrase` stand one after the other somewhere in a document (`metadata`: where each
   * term of the query stands in it, as lunr's match data gives it). */
  function together(metadata, phrase) {
    function places(term) {
      return new Set(((metadata[term] || {}).text || {}).index || []);
    }
    var first = places(phrase[0]);
    var rest = phrase.slice(1).map(places);
    for (var start of first) {
      if (rest.every(function (p, k) { return p.has(start + k + 1); })) {
        return true;
      }
    }
    return false;
  }
  window.hindsightSearch = search;
  window.hindsightTokens = tokens;
  window.hindsightStem = stem;

  function value(form, name) {
    var el = form.elements[name];
    if (!el) {
      return "";
    }
    return el.type === "checkbox" ? (el.checked ? el.value : "") : el.value.trim();
  }

  /* The portal's filters of the postmortem list (PostmortemQuery.matches) and of the board (ActionQuery). */
  function keeps(kind, row, form, found) {
    var d = row.dataset;
    if (kind === "postmortems") {
      if (found && !found.has(d.id)) { return false; }
      var sev = value(form, "severity"), status = value(form, "status");
      var since = value(form, "since"), until = value(form, "until"), tag = value(form, "tag").toLowerCase();
      if (sev && d.severity.toLowerCase() !== sev.toLowerCase()) { return false; }
      if (status && d.status.toLowerCase() !== status.toLowerCase()) { return false; }
      if (since && (!d.date || d.date < since)) { return false; }
      if (until && (!d.date || d.date > until)) { return false; }
      if (tag && !d.tags.split("\n").some(function (t) { return t.toLowerCase().indexOf(tag) >= 0; })) {
        return false;
      }
      return true;
    }
    var owner = value(form, "owner").replace(/^@/, "").toLowerCase();
    var want = value(form, "status"), severity = value(form, "severity");
    if (owner && d.owner.replace(/^@/, "").toLowerCase() !== owner) { return false; }
    if (want === "open" && (d.status === "DONE" || d.status === "WONTFIX")) { return false; }
    if (want && want !== "open" && d.status !== want) { return false; }
    if (severity && d.severity.toUpperCase() !== severity.toUpperCase()) { return false; }
    return !(value(form, "overdue") && d.overdue !== "true");
  }

  function apply(form) {
    var kind = form.getAttribute("data-list");
    var query = kind === "postmortems" ? value(form, "q") : "";
    var found = query ? search(query) : null;
    var rows = document.querySelectorAll("table tbody tr[data-" + (kind === "postmortems" ? "id" : "owner") + "]");
    var shown = 0;
    rows.forEach(function (row) {
      var keep = keeps(kind, row, form, found);
      row.hidden = !keep;
      shown += keep ? 1 : 0;
    });
    document.querySelectorAll("table tbody tr.none").forEach(function (row) { row.hidden = shown > 0; });
    var count = document.getElementById("count");
    if (count) {
      var noun = kind === "postmortems" ? "postmortem" : "action item";
      count.textContent = shown + " " + noun + (shown === 1 ? "" : "s") + (query ? " matching \u201c" + query +
        "\u201d" : "");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("site-filter");
    if (!form) {
      return;
    }
    // A link such as actions/index.html?overdue=true opens with its filters set, as in the portal.
    new URLSearchParams(window.location.search).forEach(function (v, k) {
      var el = form.elements[k];
      if (el && el.type === "checkbox") { el.checked = v === el.value; } else if (el) { el.value = v; }
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(form); });
    form.addEventListener("change", function () { apply(form); });
    form.addEventListener("input", function () { apply(form); });
    apply(form);
  });
}());
