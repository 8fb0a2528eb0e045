// tafsiri review: the document view's editing behaviour.
// Every text from the server is put into the page with textContent (never innerHTML), so a
// source holding markup shows as text. Saves are queued per segment so that a blur and a
// Ctrl+Enter never race each other.
(() => {
  "use strict";

  const IDLE_CAP_MS = 30000; // a pause longer than this counts as 30 s of work, not more
  const CHECK_DELAY_MS = 250;

  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const editorInput = document.getElementById("editor-name");
  if (editorInput) {
    editorInput.value = localStorage.getItem("tafsiri-editor") || "";
    editorInput.addEventListener("change", () => {
      localStorage.setItem("tafsiri-editor", editorInput.value.trim());
    });
  }
  const editorName = () => (editorInput && editorInput.value.trim()) || "editor";

  async function api(method, url, body, keepalive) {
    const options = {
      method,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
      keepalive: Boolean(keepalive),
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (err) {
      return { status: 0, data: { error: "the server cannot be reached: " + err } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = { error: "unexpected answer (" + response.status + ")" };
    }
    return { status: response.status, data };
  }

  const grid = document.getElementById("grid");
  if (!grid) return;
  const flagLabels = JSON.parse(grid.dataset.flagLabels || "{}");
  const statusLine = document.getElementById("status-line");
  const say = (text, isError) => {
    if (!statusLine) return;
    statusLine.textContent = text;
    statusLine.classList.toggle("error", Boolean(isError));
  };

  const rows = Array.from(grid.querySelectorAll("tr.seg"));
  const state = new Map();
  for (const row of rows) {
    const ta = row.querySelector("textarea.target");
    state.set(row, {
      ta,
      saved: ta.value,
      seconds: 0,
      lastTick: null,
      queue: Promise.resolve(),
      checkTimer: null,
    });
  }
  let current = null;

  function tick(row) {
    const st = state.get(row);
    if (!st || st.lastTick === null) return;
    const now = Date.now();
    st.seconds += Math.min(now - st.lastTick, IDLE_CAP_MS) / 1000;
    st.lastTick = now;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderFlags(row, flags, ignored) {
    const list = row.querySelector("ul.flags");
    list.replaceChildren();
    let open = 0;
    for (const flag of flags) {
      const isIgnored = ignored.includes(flag.code);
      if (!isIgnored) open += 1;
      const li = el("li", "flag" + (isIgnored ? " ignored" : ""));
      li.dataset.code = flag.code;
      li.append(el("span", "code", flagLabels[flag.code] || flag.code), " ");
      li.append(el("span", "msg", flag.message), " ");
      const button = el("button", "ignore", isIgnored ? "unignore" : "ignore");
      button.type = "button";
      li.append(button);
      list.append(li);
    }
    row.classList.toggle("flagged", open > 0);
  }

  function applySegment(row, seg) {
    row.dataset.version = String(seg.version);
    row.dataset.status = seg.status;
    for (const cls of Array.from(row.classList)) {
      if (cls.startsWith("status-")) row.classList.remove(cls);
    }
    row.classList.add("status-" + seg.status);
    row.querySelector("td.state .status").textContent = seg.status;
    row.querySelector("td.state .hter").textContent = String(Math.round(seg.hter));
    renderFlags(row, seg.flags, seg.ignored);
  }

  function showConflict(row, data) {
    const st = state.get(row);
    const box = row.querySelector(".conflict");
    box.replaceChildren();
    box.append(el("p", "message", data.message));
    const texts = el("div", "texts");
    const theirs = el("div", "theirs");
    theirs.append(el("strong", "", "Saved (version " + data.segment.version + "): "));
    theirs.append(document.createTextNode(data.theirs));
    const yours = el("div", "yours");
    yours.append(el("strong", "", "Yours (kept in the history): "));
    yours.append(document.createTextNode(data.yours));
    texts.append(theirs, yours);
    box.append(texts);
    const useTheirs = el("button", "use-theirs", "use saved text");
    useTheirs.type = "button";
    useTheirs.addEventListener("click", () => {
      st.ta.value = data.theirs;
      st.saved = data.theirs;
      applySegment(row, data.segment);
      box.hidden = true;
    });
    const keepMine = el("button", "keep-mine", "save my text over it");
    keepMine.type = "button";
    keepMine.addEventListener("click", () => {
      applySegment(row, data.segment);
      st.ta.value = data.yours;
      box.hidden = true;
      save(row, null, true);
    });
    box.append(useTheirs, keepMine);
    box.hidden = false;
    say("conflict on segment " + row.querySelector("td.num").textContent, true);
  }

  function save(row, status, force, keepalive) {
    const st = state.get(row);
    st.queue = st.queue.then(async () => {
      tick(row);
      const text = st.ta.value;
      if (!force && status === null && text === st.saved) return;
      if (!force && status !== null && text === st.saved && status === row.dataset.status) return;
      const seconds = st.seconds;
      st.seconds = 0;
      const payload = {
        text,
        version: Number(row.dataset.version),
        editor: editorName(),
        seconds,
      };
      if (status !== null) payload.status = status;
      row.classList.add("saving");
      const { status: code, data } = await api(
        "POST", "/api/segments/" + row.dataset.id, payload, keepalive
      );
      row.classList.remove("saving");
      if (code === 200) {
        st.saved = data.segment.target;
        applySegment(row, data.segment);
        row.querySelector(".conflict").hidden = true;
        say("saved segment " + data.segment.number + " (" + data.segment.status + ")");
      } else if (code === 409) {
        st.seconds += 0; // the server counted the time with the refused text
        showConflict(row, data);
      } else {
        st.seconds += seconds;
        say("not saved: " + ((data && data.error) || code), true);
      }
    });
    return st.queue;
  }

  function scheduleCheck(row) {
    const st = state.get(row);
    clearTimeout(st.checkTimer);
    st.checkTimer = setTimeout(async () => {
      const { status, data } = await api(
        "POST", "/api/segments/" + row.dataset.id + "/check", { text: st.ta.value }
      );
      if (status === 200) renderFlags(row, data.flags, data.ignored);
    }, CHECK_DELAY_MS);
  }

  function move(row, step) {
    const index = rows.indexOf(row) + step;
    if (index < 0 || index >= rows.length) return;
    const next = state.get(rows[index]).ta;
    next.focus();
    next.scrollIntoView({ block: "center" });
  }

  // -- the help panel: translation memory, n-best, history -------------------------------
  const memoryList = document.getElementById("memory-list");
  const altList = document.getElementById("alternatives-list");
  const historyList = document.getElementById("history-list");

  function suggestion(list, score, source, target, origin) {
    const li = el("li");
    if (score !== null) li.append(el("span", "score", score));
    li.append(el("span", "tgt", target));
    if (source) li.append(el("span", "src", source + (origin ? " — " + origin : "")));
    const use = el("button", "use", "use");
    use.type = "button";
    use.addEventListener("click", () => {
      if (!current) return;
      const st = state.get(current);
      st.ta.value = target;
      st.ta.focus();
      scheduleCheck(current);
    });
    li.append(use);
    list.append(li);
  }

  async function loadMemory(row) {
    memoryList.replaceChildren(el("li", "muted", "…"));
    const { status, data } = await api("GET", "/api/segments/" + row.dataset.id + "/memory");
    if (row !== current) return;
    memoryList.replaceChildren();
    if (status !== 200) {
      memoryList.append(el("li", "error", data.error));
    } else if (!data.matches.length) {
      memoryList.append(el("li", "muted", "no match of 60% or more"));
    } else {
      for (const m of data.matches) {
        suggestion(memoryList, Math.round(m.score) + "%", m.source, m.target, m.origin);
      }
    }
  }

  function focusRow(row) {
    if (current && current !== row) current.classList.remove("current");
    current = row;
    row.classList.add("current");
    document.getElementById("assist-number").textContent = row.querySelector("td.num").textContent;
    altList.replaceChildren();
    historyList.replaceChildren();
    loadMemory(row);
  }

  document.getElementById("load-alternatives").addEventListener("click", async () => {
    if (!current) return;
    const row = current;
    altList.replaceChildren(el("li", "muted", "asking the model…"));
    const { status, data } = await api(
      "POST", "/api/segments/" + row.dataset.id + "/alternatives", { n: 5 }
    );
    if (row !== current) return;
    altList.replaceChildren();
    if (status !== 200) {
      altList.append(el("li", "error", data.error));
      return;
    }
    for (const alt of data.alternatives) suggestion(altList, alt.score.toFixed(2), "", alt.text, "");
  });

  document.getElementById("load-history").addEventListener("click", async () => {
    if (!current) return;
    const row = current;
    const { status, data } = await api("GET", "/api/segments/" + row.dataset.id + "/history");
    if (row !== current) return;
    historyList.replaceChildren();
    if (status !== 200) {
      historyList.append(el("li", "error", data.error));
      return;
    }
    for (const v of data.versions.slice().reverse()) {
      const label = v.kind === "mt" ? "MT" : v.kind + " v" + v.version;
      const li = el("li");
      li.append(el("span", "score", label));
      li.append(el("span", "tgt", v.text));
      li.append(el("span", "src", v.editor + " · " + v.status + " · " + v.at));
      historyList.append(li);
    }
  });

  // -- events ---------------------------------------------------------------------------
  for (const row of rows) {
    const st = state.get(row);
    st.ta.addEventListener("focus", () => {
      st.lastTick = Date.now();
      focusRow(row);
    });
    st.ta.addEventListener("blur", () => {
      tick(row);
      st.lastTick = null;
      save(row, null);
    });
    st.ta.addEventListener("input", () => {
      tick(row);
      scheduleCheck(row);
    });
    st.ta.addEventListener("keydown", (event) => {
      tick(row);
      const key = event.key;
      if ((event.ctrlKey || event.metaKey) && key === "Enter") {
        event.preventDefault();
        save(row, "approved");
        move(row, 1);
      } else if (event.altKey && (key === "ArrowDown" || key === "ArrowUp")) {
        event.preventDefault();
        move(row, key === "ArrowDown" ? 1 : -1);
      } else if (event.ctrlKey && event.shiftKey && (key === "C" || key === "c")) {
        event.preventDefault();
        st.ta.value = row.querySelector(".source-text").dataset.source;
        scheduleCheck(row);
      }
    });
    row.querySelector("button.approve").addEventListener("click", () => save(row, "approved"));
    row.querySelector("button.reject").addEventListener("click", () => save(row, "rejected"));
    row.querySelector("ul.flags").addEventListener("click", async (event) => {
      const button = event.target.closest("button.ignore");
      if (!button) return;
      const li = button.closest("li.flag");
      const ignore = !li.classList.contains("ignored");
      const { status, data } = await api(
        "POST", "/api/segments/" + row.dataset.id + "/ignore", { code: li.dataset.code, ignore }
      );
      if (status === 200) {
        // The stored flags are those of the saved text; re-check what is typed now.
        renderFlags(row, data.flags, data.ignored);
        if (st.ta.value !== st.saved) scheduleCheck(row);
      } else {
        say(data.error, true);
      }
    });
  }

  // Leaving the page: save what is typed in the focused segment.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && current) save(current, null, false, true);
  });
  window.addEventListener("beforeunload", (event) => {
    const unsaved = rows.some((row) => state.get(row).ta.value !== state.get(row).saved);
    if (unsaved) event.preventDefault();
  });
})();
