// tafsiri review: the document view's editing behaviour.
// Every text from the server is put into the page with textContent (never innerHTML), so a
// source holding markup shows as text. Saves are queued per segment so that a blur and a
// Ctrl+Enter never race each other. Undo is kept per box: Ctrl+Z never reaches another segment.
(() => {
  "use strict";

  const IDLE_CAP_MS = 30000; // a pause longer than this counts as 30 s of work, not more
  const CHECK_DELAY_MS = 250;
  const UNDO_MERGE_MS = 800; // keystrokes closer than this are one undo step
  const UNDO_DEPTH = 200;

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
  const documentId = Number(grid.dataset.document);
  const flagLabels = JSON.parse(grid.dataset.flagLabels || "{}");
  const statusLine = document.getElementById("status-line");
  const say = (text, isError) => {
    if (!statusLine) return;
    statusLine.textContent = text;
    statusLine.classList.toggle("error", Boolean(isError));
  };
  const fieldSizing = window.CSS && CSS.supports && CSS.supports("field-sizing", "content");

  const rows = Array.from(grid.querySelectorAll("tr.seg"));
  const rowById = new Map(rows.map((row) => [Number(row.dataset.id), row]));
  const state = new Map();
  for (const row of rows) {
    const ta = row.querySelector("textarea.target");
    state.set(row, {
      ta,
      mt: ta.dataset.mt,
      saved: ta.value,
      seconds: 0,
      lastTick: null,
      queue: Promise.resolve(),
      checkTimer: null,
      undo: [ta.value],
      redo: [],
      lastInput: 0,
      conflict: false,
      revertAllowed: false,
      memory: null,
      alternatives: null,
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

  function button(className, text, title) {
    const b = el("button", className, text);
    b.type = "button";
    if (title) b.title = title;
    return b;
  }

  // -- text boxes: height, per-box undo ------------------------------------------------------
  function fit(ta) {
    if (fieldSizing) return; // the stylesheet sizes boxes to their text
    ta.style.height = "auto";
    ta.style.height = ta.scrollHeight + 2 + "px";
  }

  function remember(st, merge) {
    const value = st.ta.value;
    const top = st.undo[st.undo.length - 1];
    if (value === top) return;
    if (merge && st.undo.length > 1) st.undo[st.undo.length - 1] = value;
    else st.undo.push(value);
    if (st.undo.length > UNDO_DEPTH) st.undo.shift();
    st.redo = [];
  }

  function setText(row, text) {
    const st = state.get(row);
    remember(st, false);
    st.ta.value = text;
    remember(st, false);
    st.lastInput = 0;
    fit(st.ta);
    scheduleCheck(row);
  }

  function undo(row, redo) {
    const st = state.get(row);
    remember(st, false);
    if (redo) {
      if (!st.redo.length) return;
      st.undo.push(st.redo.pop());
    } else {
      if (st.undo.length < 2) return;
      st.redo.push(st.undo.pop());
    }
    st.ta.value = st.undo[st.undo.length - 1];
    st.lastInput = 0;
    fit(st.ta);
    scheduleCheck(row);
  }

  // -- rendering -----------------------------------------------------------------------------
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
      li.append(button("ignore", isIgnored ? "unignore" : "ignore"));
      for (const sw of flag.terms || []) {
        const decision = el("span", "term-decision");
        decision.dataset.sw = sw;
        decision.append(
          button("term-ignore", "ignore «" + sw + "» in this document"),
          button("term-add", "add rendering")
        );
        li.append(decision);
      }
      list.append(li);
    }
    row.classList.toggle("flagged", open > 0);
  }

  function renderDiff(box, ops) {
    box.replaceChildren();
    for (const [op, text] of ops) {
      box.append(el(op === "+" ? "ins" : op === "-" ? "del" : "span", "", text));
    }
    box.hidden = !ops.length;
  }

  function applySegment(row, seg) {
    row.dataset.version = String(seg.version);
    row.dataset.status = seg.status;
    for (const cls of Array.from(row.classList)) {
      if (cls.startsWith("status-")) row.classList.remove(cls);
    }
    row.classList.add("status-" + seg.status);
    row.querySelector("td.state .status").textContent = seg.status;
    row.querySelector("td.state .hter").textContent = seg.reviewed
      ? String(Math.round(seg.hter))
      : "";
    row.querySelector("td.state .comment-count").textContent = seg.comments
      ? "💬 " + seg.comments
      : "";
    renderDiff(row.querySelector("div.diff"), seg.diff || []);
    renderFlags(row, seg.flags, seg.ignored);
  }

  function applySummary(summary) {
    if (!summary) return;
    const set = (id, text) => {
      const node = document.getElementById(id);
      if (node) node.textContent = text;
    };
    set("approved-count", String(summary.approved));
    set("segment-count", String(summary.segments));
    set("flagged-count", String(summary.open_flags));
    set("hter-value", summary.hter === null ? "—" : summary.hter.toFixed(1));
  }

  function showConflict(row, data, status) {
    const st = state.get(row);
    st.conflict = true;
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
    const useTheirs = button("use-theirs", "use saved text");
    useTheirs.addEventListener("click", () => {
      st.conflict = false;
      st.ta.value = data.theirs;
      st.saved = data.theirs;
      st.undo = [data.theirs];
      fit(st.ta);
      applySegment(row, data.segment);
      box.hidden = true;
    });
    const keepMine = button(
      "keep-mine",
      status === "approved" ? "save my text over it (approved)" : "save my text over it"
    );
    keepMine.addEventListener("click", () => {
      st.conflict = false;
      applySegment(row, data.segment);
      st.ta.value = data.yours;
      box.hidden = true;
      // Keep what the refused save asked for: Ctrl+Enter's approval stays an approval.
      save(row, status, true);
    });
    box.append(useTheirs, keepMine);
    box.hidden = false;
    say("conflict on segment " + row.querySelector("td.num").textContent, true);
  }

  // Saving an approved segment's English back to the raw MT asks first (an undo or a slip
  // must not silently replace an approved edit).
  function askRevert(row, status) {
    const st = state.get(row);
    const box = row.querySelector(".confirm");
    box.replaceChildren();
    box.append(
      el("p", "message", "This turns the approved English back into the raw MT. Save it anyway?")
    );
    const yes = button("revert-yes", "save the MT");
    yes.addEventListener("click", () => {
      box.hidden = true;
      st.revertAllowed = true;
      save(row, status, true);
    });
    const no = button("revert-no", "keep the approved text");
    no.addEventListener("click", () => {
      box.hidden = true;
      setText(row, st.saved);
      st.ta.focus();
    });
    box.append(yes, no);
    box.hidden = false;
    say("segment " + row.querySelector("td.num").textContent + ": not saved, see the question", true);
  }

  function save(row, status, force, keepalive) {
    const st = state.get(row);
    st.queue = st.queue.then(async () => {
      tick(row);
      const text = st.ta.value;
      if (!force && st.conflict) return; // the conflict box decides
      if (!force && status === null && text === st.saved) return;
      if (!force && status !== null && text === st.saved && status === row.dataset.status) return;
      if (
        row.dataset.status === "approved" &&
        text === st.mt &&
        text !== st.saved &&
        status !== "rejected" &&
        !st.revertAllowed
      ) {
        askRevert(row, status);
        return;
      }
      st.revertAllowed = false;
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
        applySummary(data.summary);
        row.querySelector(".conflict").hidden = true;
        say("saved segment " + data.segment.number + " (" + data.segment.status + ")");
      } else if (code === 409) {
        applySummary(data.summary);
        showConflict(row, data, status);
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

  function focusBox(row) {
    const ta = state.get(row).ta;
    ta.focus();
    ta.scrollIntoView({ block: "center" });
  }

  function move(row, step) {
    const index = rows.indexOf(row) + step;
    if (index < 0 || index >= rows.length) return;
    focusBox(rows[index]);
  }

  // The next row (after ``row``, wrapping around) that ``wanted`` accepts.
  function seek(row, step, wanted) {
    const start = row ? rows.indexOf(row) : step > 0 ? -1 : rows.length;
    for (let k = 1; k <= rows.length; k += 1) {
      const index = (((start + step * k) % rows.length) + rows.length) % rows.length;
      if (wanted(rows[index])) {
        focusBox(rows[index]);
        return true;
      }
    }
    say("no such segment", false);
    return false;
  }
  const unapproved = (row) => row.dataset.status !== "approved";
  const flagged = (row) => row.classList.contains("flagged");

  // -- the help panel: translation memory, n-best, glossary, comments, history -----------
  const memoryList = document.getElementById("memory-list");
  const altList = document.getElementById("alternatives-list");
  const historyList = document.getElementById("history-list");
  const commentList = document.getElementById("comment-list");

  function suggestion(list, label, score, source, target, origin) {
    const li = el("li");
    if (label) li.append(el("kbd", "", label));
    if (score !== null) li.append(el("span", "score", score));
    li.append(el("span", "tgt", target));
    if (source) li.append(el("span", "src", source + (origin ? " — " + origin : "")));
    const use = button("use", "use");
    use.addEventListener("click", () => {
      if (!current) return;
      setText(current, target);
      state.get(current).ta.focus();
    });
    li.append(use);
    list.append(li);
  }

  async function loadMemory(row) {
    const st = state.get(row);
    memoryList.replaceChildren(el("li", "muted", "…"));
    const { status, data } = await api("GET", "/api/segments/" + row.dataset.id + "/memory");
    st.memory = status === 200 ? data.matches : [];
    if (row !== current) return st.memory;
    memoryList.replaceChildren();
    if (status !== 200) {
      memoryList.append(el("li", "error", data.error));
    } else if (!data.matches.length) {
      memoryList.append(el("li", "muted", "no match of 60% or more"));
    } else {
      data.matches.forEach((m, k) => {
        suggestion(memoryList, "Ctrl+" + (k + 1), Math.round(m.score) + "%", m.source, m.target, m.origin);
      });
    }
    return st.memory;
  }

  async function loadAlternatives(row) {
    const st = state.get(row);
    altList.replaceChildren(el("li", "muted", "asking the model…"));
    const { status, data } = await api(
      "POST", "/api/segments/" + row.dataset.id + "/alternatives", { n: 5 }
    );
    st.alternatives = status === 200 ? data.alternatives : [];
    if (row !== current) return st.alternatives;
    altList.replaceChildren();
    if (status !== 200) {
      altList.append(el("li", "error", data.error));
    } else {
      data.alternatives.forEach((alt, k) => {
        suggestion(altList, "Alt+" + (k + 1), alt.percent.toFixed(0) + "%", "", alt.text, "");
      });
    }
    return st.alternatives;
  }

  async function loadComments(row) {
    const { status, data } = await api("GET", "/api/segments/" + row.dataset.id + "/comments");
    if (row !== current) return;
    commentList.replaceChildren();
    if (status !== 200) {
      commentList.append(el("li", "error", data.error));
      return;
    }
    for (const c of data.comments) {
      const li = el("li");
      li.append(el("span", "tgt", c.text));
      li.append(el("span", "src", c.editor + " · " + c.at));
      commentList.append(li);
    }
  }

  function focusRow(row) {
    if (current && current !== row) current.classList.remove("current");
    current = row;
    row.classList.add("current");
    document.getElementById("assist-number").textContent = row.querySelector("td.num").textContent;
    altList.replaceChildren();
    historyList.replaceChildren();
    document.getElementById("history-compare").hidden = true;
    document.getElementById("history-diff").hidden = true;
    loadMemory(row);
    loadComments(row);
  }

  async function insertMemory(row, n) {
    const st = state.get(row);
    const matches = st.memory || (await loadMemory(row));
    if (matches.length >= n) setText(row, matches[n - 1].target);
    else say("no translation-memory match " + n, true);
  }

  async function insertAlternative(row, n) {
    const st = state.get(row);
    const alts = st.alternatives || (await loadAlternatives(row));
    if (alts.length >= n) setText(row, alts[n - 1].text);
    else say("no model alternative " + n, true);
  }

  async function toggleIgnore(row, code, ignore) {
    const st = state.get(row);
    const { status, data } = await api(
      "POST", "/api/segments/" + row.dataset.id + "/ignore", { code, ignore }
    );
    if (status === 200) {
      // The stored flags are those of the saved text; re-check what is typed now.
      renderFlags(row, data.flags, data.ignored);
      if (st.ta.value !== st.saved) scheduleCheck(row);
    } else {
      say(data.error, true);
    }
  }

  function cycleIgnore(row) {
    const open = row.querySelector("ul.flags li.flag:not(.ignored)");
    if (open) return toggleIgnore(row, open.dataset.code, true);
    const ignored = row.querySelectorAll("ul.flags li.flag.ignored");
    if (ignored.length) return toggleIgnore(row, ignored[ignored.length - 1].dataset.code, false);
    say("no flag on this segment", false);
    return null;
  }

  // Flags changed by a term decision (the server checked the stored English again).
  function refreshRows(segments) {
    for (const seg of segments) {
      const row = rowById.get(seg.id);
      if (!row) continue;
      applySegment(row, seg);
      if (state.get(row).ta.value !== state.get(row).saved) scheduleCheck(row);
    }
  }

  document.getElementById("load-alternatives").addEventListener("click", () => {
    if (current) loadAlternatives(current);
  });

  const diffA = document.getElementById("diff-a");
  const diffB = document.getElementById("diff-b");
  async function showHistoryDiff() {
    if (!current) return;
    const url =
      "/api/segments/" + current.dataset.id + "/diff?a=" + diffA.value + "&b=" + diffB.value;
    const { status, data } = await api("GET", url);
    const box = document.getElementById("history-diff");
    if (status === 200) {
      renderDiff(box, data.diff);
      if (!data.diff.length) {
        box.append(el("span", "muted", "the same text"));
        box.hidden = false;
      }
    } else say(data.error, true);
  }
  diffA.addEventListener("change", showHistoryDiff);
  diffB.addEventListener("change", showHistoryDiff);

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
    const labels = data.versions.map((v) => (v.kind === "mt" ? "MT" : v.kind + " v" + v.version));
    for (const select of [diffA, diffB]) {
      select.replaceChildren();
      labels.forEach((label, k) => {
        const option = el("option", "", label);
        option.value = String(k);
        select.append(option);
      });
    }
    diffA.value = "0";
    diffB.value = String(labels.length - 1);
    document.getElementById("history-compare").hidden = labels.length < 2;
    data.versions.forEach((v, k) => {
      const li = el("li");
      li.append(el("span", "score", labels[k]));
      li.append(el("span", "tgt", v.text));
      li.append(el("span", "src", v.editor + " · " + v.status + " · " + v.at));
      historyList.prepend(li);
    });
    if (labels.length > 1) showHistoryDiff();
  });

  document.getElementById("comment-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!current) return;
    const row = current;
    const input = document.getElementById("comment-text");
    const { status, data } = await api("POST", "/api/segments/" + row.dataset.id + "/comments", {
      text: input.value,
      editor: editorName(),
    });
    if (status !== 200) {
      say(data.error, true);
      return;
    }
    input.value = "";
    const count = row.querySelector("td.state .comment-count");
    const n = Number((count.textContent.match(/\d+/) || ["0"])[0]) + 1;
    count.textContent = "💬 " + n;
    say("comment added to segment " + row.querySelector("td.num").textContent);
    loadComments(row);
  });

  // -- glossary panel ------------------------------------------------------------------------
  const lookupList = document.getElementById("lookup-list");
  const glossarySw = document.getElementById("glossary-sw");
  const glossaryEn = document.getElementById("glossary-en");
  document.getElementById("lookup-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = document.getElementById("lookup-q").value;
    const { status, data } = await api("GET", "/api/lookup?q=" + encodeURIComponent(q));
    lookupList.replaceChildren();
    if (status !== 200) {
      lookupList.append(el("li", "error", data.error));
      return;
    }
    for (const t of data.glossary) {
      const li = el("li");
      li.append(el("span", "score", t.origin), el("span", "tgt", t.sw + " → " + t.en.join(" | ")));
      lookupList.append(li);
    }
    for (const [kind, pairs] of [["memory", data.memory], ["approved", data.approved]]) {
      for (const p of pairs) {
        const li = el("li");
        li.append(el("span", "score", kind), el("span", "tgt", p.target));
        li.append(el("span", "src", p.source + " — " + p.origin));
        lookupList.append(li);
      }
    }
    if (!lookupList.children.length) lookupList.append(el("li", "muted", "not found"));
  });
  document.getElementById("glossary-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { status, data } = await api("POST", "/api/glossary", {
      sw: glossarySw.value,
      en: glossaryEn.value,
      editor: editorName(),
    });
    if (status !== 200) {
      say(data.error, true);
      return;
    }
    say("added to the project glossary: " + glossarySw.value + " → " + glossaryEn.value);
    refreshRows(data.segments);
    glossaryEn.value = "";
    if (current) state.get(current).ta.focus();
  });
  // A selection in a source fills the glossary form's Swahili.
  document.addEventListener("mouseup", () => {
    const selection = window.getSelection();
    const text = selection ? selection.toString().trim() : "";
    if (text && selection.anchorNode && selection.anchorNode.parentElement &&
        selection.anchorNode.parentElement.closest(".source-text")) {
      glossarySw.value = text;
    }
  });

  // -- find & replace ----------------------------------------------------------------------
  const replacePanel = document.getElementById("replace-panel");
  const replaceFind = document.getElementById("replace-find");
  const replaceWith = document.getElementById("replace-with");
  const replaceHits = document.getElementById("replace-hits");
  const replaceApply = document.getElementById("replace-apply");
  let previewed = null;

  function replaceQuery() {
    const scope = document.getElementById("replace-scope").value;
    const query = {
      find: replaceFind.value,
      replace: replaceWith.value,
      whole_word: document.getElementById("replace-word").checked,
      regex: document.getElementById("replace-regex").checked,
      case: document.getElementById("replace-case").checked,
    };
    if (scope === "document") query.document_id = documentId;
    return query;
  }

  function openReplace() {
    replacePanel.hidden = false;
    const selected = current ? selectedText(state.get(current).ta) : "";
    if (selected) replaceFind.value = selected;
    replaceFind.focus();
    replaceFind.select();
  }

  function closeReplace() {
    replacePanel.hidden = true;
    if (current) state.get(current).ta.focus();
  }

  function selectedText(ta) {
    return ta.value.slice(ta.selectionStart, ta.selectionEnd);
  }

  function highlighted(text, spans) {
    const node = el("span", "before");
    let pos = 0;
    for (const [start, end] of spans) {
      node.append(text.slice(pos, start), el("mark", "hit", text.slice(start, end)));
      pos = end;
    }
    node.append(text.slice(pos));
    return node;
  }

  async function previewReplace() {
    if (current) await save(current, null); // what is typed counts
    const query = replaceQuery();
    const { status, data } = await api("POST", "/api/replace/preview", query);
    replaceHits.replaceChildren();
    const count = document.getElementById("replace-count");
    if (status !== 200) {
      count.textContent = data.error;
      previewed = null;
      replaceApply.disabled = true;
      return;
    }
    previewed = { query, versions: {} };
    for (const hit of data.hits) {
      previewed.versions[hit.segment_id] = hit.version;
      const li = el("li");
      li.append(el("span", "where", hit.document + " #" + hit.number + ": "));
      li.append(highlighted(hit.before, hit.spans), el("span", "arrow", " → "));
      li.append(el("span", "after", hit.after));
      replaceHits.append(li);
    }
    count.textContent = data.hits.length + " segment(s) would change";
    replaceApply.disabled = !data.hits.length;
  }

  async function applyReplace() {
    if (!previewed) await previewReplace();
    if (!previewed || replaceApply.disabled) return;
    const body = { ...previewed.query, versions: previewed.versions, editor: editorName() };
    const { status, data } = await api("POST", "/api/replace", body);
    if (status !== 200) {
      say(data.error, true);
      return;
    }
    for (const seg of data.saved) {
      const row = rowById.get(seg.id);
      if (!row) continue;
      const st = state.get(row);
      remember(st, false);
      st.ta.value = seg.target;
      st.saved = seg.target;
      remember(st, false);
      fit(st.ta);
      applySegment(row, seg);
    }
    applySummary(data.summary);
    const conflicts = data.conflicts.length
      ? "; " + data.conflicts.length + " changed by someone else since the preview, left alone"
      : "";
    say("replaced in " + data.saved.length + " segment(s)" + conflicts, data.conflicts.length > 0);
    document.getElementById("replace-count").textContent =
      "replaced in " + data.saved.length + " segment(s)";
    replaceHits.replaceChildren();
    previewed = null;
    replaceApply.disabled = true;
  }

  document.getElementById("open-replace").addEventListener("click", openReplace);
  document.getElementById("replace-preview").addEventListener("click", previewReplace);
  replaceApply.addEventListener("click", applyReplace);
  for (const input of replacePanel.querySelectorAll("input, select")) {
    input.addEventListener("change", () => {
      previewed = null;
      replaceApply.disabled = true;
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        applyReplace();
      } else if (event.key === "Enter") {
        event.preventDefault();
        previewReplace();
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeReplace();
      }
    });
  }

  // -- help overlay ----------------------------------------------------------------------
  const help = document.getElementById("help");
  let helpReturn = null;
  function toggleHelp(show) {
    const open = show === undefined ? help.hidden : show;
    if (open) helpReturn = document.activeElement;
    help.hidden = !open;
    if (!open && helpReturn && helpReturn.focus) helpReturn.focus();
  }
  document.getElementById("open-help").addEventListener("click", () => toggleHelp(true));
  help.addEventListener("click", () => toggleHelp(false));

  // -- events ---------------------------------------------------------------------------
  function rowKeys(row, event) {
    const st = state.get(row);
    const key = event.key;
    const code = event.code;
    const ctrl = event.ctrlKey || event.metaKey;
    const digit = /^Digit([1-9])$/.exec(code);
    if (ctrl && key === "Enter") {
      save(row, "approved");
      move(row, 1);
    } else if (ctrl && !event.altKey && (code === "KeyZ" || code === "KeyY")) {
      undo(row, code === "KeyY" || event.shiftKey);
    } else if (event.altKey && (key === "ArrowDown" || key === "ArrowUp")) {
      move(row, key === "ArrowDown" ? 1 : -1);
    } else if (event.altKey && !ctrl && code === "KeyU") {
      seek(row, event.shiftKey ? -1 : 1, unapproved);
    } else if (event.altKey && !ctrl && code === "KeyF") {
      seek(row, event.shiftKey ? -1 : 1, flagged);
    } else if (event.altKey && !ctrl && code === "KeyX") {
      save(row, "rejected");
    } else if (event.altKey && !ctrl && code === "KeyM") {
      setText(row, st.mt);
    } else if (event.altKey && !ctrl && code === "KeyI") {
      cycleIgnore(row);
    } else if (ctrl && event.shiftKey && code === "KeyC") {
      setText(row, row.querySelector(".source-text").dataset.source);
    } else if (ctrl && !event.altKey && !event.shiftKey && digit && Number(digit[1]) <= 3) {
      insertMemory(row, Number(digit[1]));
    } else if (event.altKey && !ctrl && digit && Number(digit[1]) <= 5) {
      insertAlternative(row, Number(digit[1]));
    } else {
      return false;
    }
    return true;
  }

  for (const row of rows) {
    const st = state.get(row);
    fit(st.ta);
    st.ta.addEventListener("focus", () => {
      st.lastTick = Date.now();
      focusRow(row);
    });
    st.ta.addEventListener("blur", () => {
      tick(row);
      st.lastTick = null;
      save(row, null);
    });
    st.ta.addEventListener("beforeinput", (event) => {
      // The browser's own undo spans every box of the page: use this box's instead.
      if (event.inputType === "historyUndo" || event.inputType === "historyRedo") {
        event.preventDefault();
        undo(row, event.inputType === "historyRedo");
      }
    });
    st.ta.addEventListener("input", () => {
      tick(row);
      const now = Date.now();
      remember(st, now - st.lastInput < UNDO_MERGE_MS);
      st.lastInput = now;
      fit(st.ta);
      scheduleCheck(row);
    });
    st.ta.addEventListener("keydown", (event) => {
      tick(row);
      if (rowKeys(row, event)) {
        event.preventDefault();
        event.stopPropagation();
      }
    });
    row.querySelector("button.approve").addEventListener("click", () => save(row, "approved"));
    row.querySelector("button.reject").addEventListener("click", () => save(row, "rejected"));
    row.querySelector("ul.flags").addEventListener("click", async (event) => {
      const ignoreButton = event.target.closest("button.ignore");
      if (ignoreButton) {
        const li = ignoreButton.closest("li.flag");
        await toggleIgnore(row, li.dataset.code, !li.classList.contains("ignored"));
        return;
      }
      const decision = event.target.closest("span.term-decision");
      if (!decision) return;
      const sw = decision.dataset.sw;
      if (event.target.closest("button.term-ignore")) {
        const { status, data } = await api(
          "POST", "/api/documents/" + documentId + "/terms", { sw, editor: editorName() }
        );
        if (status === 200) {
          refreshRows(data.segments);
          say("«" + sw + "» is ignored in this document");
        } else say(data.error, true);
      } else if (event.target.closest("button.term-add")) {
        glossarySw.value = sw;
        glossaryEn.value = selectedText(st.ta).trim();
        glossaryEn.focus();
        say("type or check the English for «" + sw + "», then Enter", false);
      }
    });
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" ||
                              target.tagName === "SELECT");
    const ctrl = event.ctrlKey || event.metaKey;
    if (event.key === "Escape" && !help.hidden) {
      event.preventDefault();
      toggleHelp(false);
    } else if (event.key === "F1" || (event.key === "?" && !typing)) {
      event.preventDefault();
      toggleHelp();
    } else if (ctrl && event.shiftKey && event.code === "KeyF") {
      event.preventDefault();
      openReplace();
    } else if (!typing && event.altKey && (event.code === "KeyU" || event.code === "KeyF")) {
      // Nothing focused yet: start the loop from the top (or the last segment worked on).
      event.preventDefault();
      seek(current, event.shiftKey ? -1 : 1, event.code === "KeyU" ? unapproved : flagged);
    }
  });

  // Search hits of the filter (?q=): marked in the sources, and boxes holding one outlined.
  const query = (document.getElementById("filter-q") || { value: "" }).value.trim();
  if (query) {
    const needle = query.toLocaleLowerCase();
    for (const row of rows) {
      const walker = document.createTreeWalker(
        row.querySelector(".source-text"), NodeFilter.SHOW_TEXT
      );
      const nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      for (const node of nodes) {
        const text = node.nodeValue;
        const lower = text.toLocaleLowerCase();
        if (!lower.includes(needle) || lower.length !== text.length) continue;
        const parts = document.createDocumentFragment();
        let pos = 0;
        for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, pos)) {
          parts.append(text.slice(pos, at), el("mark", "hit", text.slice(at, at + needle.length)));
          pos = at + needle.length;
        }
        parts.append(text.slice(pos));
        node.replaceWith(parts);
      }
      highlight(state.get(row).ta, needle);
    }
  }

  // A textarea cannot mark part of its text, so the hits are drawn on a copy of the text laid
  // out behind it (same font, padding and wrapping; its own letters transparent) and the box
  // is made see-through. The copy follows every edit and scroll.
  function highlight(ta, needle) {
    const wrap = el("div", "hl-wrap");
    const back = el("div", "hl-backdrop");
    back.setAttribute("aria-hidden", "true");
    ta.replaceWith(wrap);
    wrap.append(back, ta);
    ta.classList.add("hl");
    const draw = () => {
      const text = ta.value;
      const lower = text.toLocaleLowerCase();
      const parts = document.createDocumentFragment();
      let pos = 0;
      if (lower.length === text.length) {
        for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, pos)) {
          parts.append(text.slice(pos, at), el("mark", "hit", text.slice(at, at + needle.length)));
          pos = at + needle.length;
        }
      }
      parts.append(text.slice(pos) + "\n"); // a last empty line keeps its height
      back.replaceChildren(parts);
      ta.classList.toggle("hit", back.querySelector("mark") !== null);
      back.scrollTop = ta.scrollTop;
    };
    ta.addEventListener("input", draw);
    ta.addEventListener("scroll", () => { back.scrollTop = ta.scrollTop; });
    draw();
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
