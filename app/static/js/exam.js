// Exam page (考试): renders the attempt from the JSON API, saves every change at once, keeps
// every unacknowledged answer in localStorage until the server has it, and submits at the
// deadline measured on the server's clock.
(function () {
  "use strict";
  const root = document.getElementById("exam");
  if (!root || !window.fetch) {
    return;
  }

  const TYPES = ["single", "multiple", "judge", "blank", "essay"];
  const TEXT_DELAY_MS = 800;
  const WARN_MS = 5 * 60 * 1000;
  const MAX_BACKOFF_MS = 30 * 1000;
  const FLUSH_TIMEOUT_MS = 15 * 1000;

  const attemptId = root.dataset.attemptId;
  const apiUrl = root.dataset.apiUrl;
  const resultUrl = root.dataset.resultUrl;
  const messages = JSON.parse(document.getElementById("exam-i18n").textContent);

  const container = document.getElementById("exam-questions");
  const navGrid = document.getElementById("exam-nav-grid");
  const navPanel = document.getElementById("exam-nav");
  const countdown = document.getElementById("exam-countdown");
  const saveStatus = document.getElementById("exam-save-status");
  const alertBox = document.getElementById("exam-alert");
  const focusBox = document.getElementById("exam-focus-warning");
  const modalEl = document.getElementById("exam-submit-modal");
  const confirmButton = document.getElementById("exam-submit-confirm");

  const entries = new Map(); // question id (string) -> {q, number, card, navButton}
  const timers = new Map(); // question id -> debounce timer of a text input
  const inflight = new Set(); // question ids with a PUT on the wire
  const failed = new Map(); // question id -> message of a save the server will never take
  // Flags (标记待查) live with the attempt on the server, so they follow the cadre to another
  // device; a toggle shows at once and is undone if the server refuses it.
  const flags = new Set(); // question ids (strings)
  const flagging = new Set(); // question ids with a flag PUT on the wire
  const state = {
    offset: 0, // server clock − client clock, in ms
    deadline: 0,
    failures: 0,
    retryTimer: null,
    problem: "", // the server's message when saves are refused for a reason retrying may fix
    loaded: false,
    checkingDeadline: false,
    composing: false, // an input method (拼音) is mid-word: its text is not the answer yet
    finishing: false, // submitting: no new changes
    leaving: false, // navigating away on purpose: neither warn nor report a focus loss
    hasFocus: true,
  };

  function t(key, params) {
    let text = messages[key] || key;
    Object.entries(params || {}).forEach(([name, value]) => {
      text = text.split("{" + name + "}").join(String(value));
    });
    return text;
  }

  // localStorage, per attempt, with a memory fallback (private mode, full quota).
  const memory = {};
  const store = {
    key: (name) => "xuekao:attempt:" + attemptId + ":" + name,
    get(name, fallback) {
      try {
        const raw = localStorage.getItem(this.key(name));
        if (raw !== null) {
          return JSON.parse(raw);
        }
      } catch (error) {
        // fall through to memory
      }
      return name in memory ? memory[name] : fallback;
    },
    set(name, value) {
      memory[name] = value;
      try {
        localStorage.setItem(this.key(name), JSON.stringify(value));
      } catch (error) {
        try {
          localStorage.removeItem(this.key(name)); // a stale copy must not shadow memory
        } catch (ignored) {
          // nothing more to do
        }
      }
    },
    clear() {
      ["queue", "seqs"].forEach((name) => {
        delete memory[name];
        try {
          localStorage.removeItem(this.key(name));
        } catch (error) {
          // nothing to clear
        }
      });
    },
  };

  // The queue holds, per question, the newest answer the server has not acknowledged.
  // Read and written through storage each time so two tabs of one attempt do not clobber it.
  const queue = {
    all: () => store.get("queue", {}),
    put(qid, item) {
      const items = queue.all();
      items[qid] = item;
      store.set("queue", items);
    },
    drop(qid, seq) {
      const items = queue.all();
      if (items[qid] && items[qid].seq <= seq) {
        delete items[qid];
        store.set("queue", items);
      }
    },
  };

  function nextSeq(qid) {
    const seqs = store.get("seqs", {});
    seqs[qid] = (seqs[qid] || 0) + 1;
    store.set("seqs", seqs);
    return seqs[qid];
  }

  function parseTime(text) {
    // Six fractional digits are not in the ECMAScript date format; some engines reject them.
    return Date.parse(String(text).replace(/(\.\d{3})\d+/, "$1"));
  }

  async function api(method, url, body, keepalive) {
    const response = await window.Xuekao.send(method, url, body, {
      headers: { Accept: "application/json" },
      cache: "no-store",
      keepalive: Boolean(keepalive),
    });
    let data = null;
    if ((response.headers.get("Content-Type") || "").includes("json")) {
      data = await response.json().catch(() => null);
    }
    // A 200 that is not JSON is a login page after a redirect: not a save.
    return { status: response.status, ok: response.ok && data !== null, data: data || {} };
  }

  async function fetchAttempt() {
    const sent = Date.now();
    const result = await api("GET", apiUrl);
    if (result.ok) {
      // The midpoint of the round trip is the best guess of when the server read its clock.
      state.offset = parseTime(result.data.server_time) - (sent + Date.now()) / 2;
      state.deadline = parseTime(result.data.deadline);
    }
    return result;
  }

  // ---- rendering -------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function choice(qid, type, value, letter, html, index) {
    const label = el("label", "list-group-item list-group-item-action d-flex gap-2 xk-option");
    const input = el("input", "form-check-input flex-shrink-0");
    input.type = type;
    input.name = "q-" + qid;
    input.value = value;
    input.id = "q-" + qid + "-" + index;
    label.htmlFor = input.id;
    label.append(input);
    if (letter) {
      label.append(el("span", "fw-semibold xk-letter", letter + "."));
    }
    const text = el("span", "xk-option-text");
    if (html === null) {
      text.textContent = value;
    } else {
      text.innerHTML = html; // sanitised by the server
    }
    label.append(text);
    return label;
  }

  function renderAnswerArea(q, qid) {
    const area = el("div", "xk-answer");
    if (q.type === "single" || q.type === "multiple") {
      const list = el("div", "list-group");
      (q.options || []).forEach((option, i) => {
        const inputType = q.type === "single" ? "radio" : "checkbox";
        list.append(choice(qid, inputType, option.id, String.fromCharCode(65 + i), option.html, i));
      });
      area.append(list);
    } else if (q.type === "judge") {
      const list = el("div", "list-group list-group-horizontal xk-judge");
      const yes = choice(qid, "radio", "true", "", null, 0);
      const no = choice(qid, "radio", "false", "", null, 1);
      yes.querySelector(".xk-option-text").textContent = t("judge_true");
      no.querySelector(".xk-option-text").textContent = t("judge_false");
      list.append(yes, no);
      area.append(list);
    } else if (q.type === "blank") {
      const count = Math.max(parseInt(q.blanks, 10) || 1, 1);
      for (let i = 0; i < count; i += 1) {
        const group = el("div", "input-group mb-2");
        const label = el("label", "input-group-text", t("blank_label", { n: i + 1 }));
        const input = el("input", "form-control");
        input.type = "text";
        input.id = "q-" + qid + "-blank-" + i;
        input.autocomplete = "off";
        input.dataset.blank = String(i);
        label.htmlFor = input.id;
        group.append(label, input);
        area.append(group);
      }
    } else {
      const textarea = el("textarea", "form-control");
      textarea.rows = 6;
      textarea.placeholder = t("essay_placeholder");
      textarea.setAttribute("aria-label", t("essay_placeholder"));
      area.append(textarea);
    }
    return area;
  }

  function renderQuestion(q, number) {
    const qid = String(q.id);
    const card = el("article", "card mb-3 xk-question");
    card.id = "q-" + qid;
    card.tabIndex = -1;
    card.dataset.qid = qid;
    card.dataset.type = q.type;
    const body = el("div", "card-body");
    const head = el("div", "d-flex align-items-center flex-wrap gap-2 mb-2");
    const title = el("h3", "h6 mb-0 xk-qnum", number + ".");
    title.id = "q-" + qid + "-title";
    title.setAttribute("aria-label", t("question_label", { n: number }));
    card.setAttribute("aria-labelledby", title.id);
    head.append(title);
    if (q.points !== undefined && q.points !== null) {
      head.append(el("span", "small text-muted", t("points", { points: parseFloat(q.points) })));
    }
    const status = el("span", "ms-auto small xk-qstatus");
    status.dataset.status = "";
    status.setAttribute("aria-live", "polite");
    const flag = el("button", "btn btn-sm btn-outline-warning xk-flag");
    flag.type = "button";
    flag.dataset.flag = qid;
    flag.append(el("i", "bi bi-flag"), document.createTextNode(" "), el("span", "", t("flag")));
    head.append(status, flag);
    const stem = el("div", "xk-stem mb-3");
    stem.innerHTML = q.stem_html; // sanitised by the server
    body.append(head, stem, renderAnswerArea(q, qid));
    card.append(body);

    const navButton = el("a", "xk-nav-item", String(number));
    navButton.href = "#" + card.id;
    navButton.dataset.qid = qid;
    navButton.setAttribute("aria-label", t("question_label", { n: number }));
    return { q, qid, number, card, status, flag, navButton };
  }

  function render(questions) {
    container.textContent = "";
    navGrid.textContent = "";
    let number = 0;
    TYPES.forEach((type) => {
      const group = questions.filter((q) => q.type === type);
      if (!group.length) {
        return;
      }
      const section = el("section", "mb-4 xk-group");
      const heading = el("h2", "h5 xk-group-title", t("type_" + type) + " ");
      heading.append(el("small", "text-muted fw-normal", t("group_count", { n: group.length })));
      section.append(heading);
      group.forEach((q) => {
        number += 1;
        const entry = renderQuestion(q, number);
        entries.set(entry.qid, entry);
        section.append(entry.card);
        navGrid.append(entry.navButton);
      });
      container.append(section);
    });
    container.setAttribute("aria-busy", "false");
  }

  // ---- reading and writing answers in the page ------------------------------------

  function readResponse(entry) {
    const card = entry.card;
    const checked = Array.from(card.querySelectorAll(".xk-answer input:checked"));
    switch (entry.q.type) {
      case "single":
        return checked.length ? checked[0].value : null;
      case "multiple":
        return checked.length ? checked.map((input) => input.value) : null;
      case "judge":
        return checked.length ? checked[0].value === "true" : null;
      case "blank": {
        const values = Array.from(card.querySelectorAll("input[data-blank]")).map((i) => i.value);
        return values.some((v) => v.trim()) ? values : null;
      }
      default: {
        const value = card.querySelector("textarea").value;
        return value.trim() ? value : null;
      }
    }
  }

  function writeResponse(entry, response) {
    const card = entry.card;
    const type = entry.q.type;
    if (type === "blank") {
      const values = Array.isArray(response) ? response : [];
      card.querySelectorAll("input[data-blank]").forEach((input, i) => {
        input.value = values[i] === undefined || values[i] === null ? "" : String(values[i]);
      });
    } else if (type === "essay") {
      card.querySelector("textarea").value = typeof response === "string" ? response : "";
    } else {
      let wanted = [];
      if (type === "multiple" && Array.isArray(response)) {
        wanted = response.map(String);
      } else if (response !== null && response !== undefined) {
        wanted = [String(response)];
      }
      card.querySelectorAll(".xk-answer input").forEach((input) => {
        input.checked = wanted.includes(input.value);
      });
    }
  }

  function isAnswered(entry) {
    return readResponse(entry) !== null;
  }

  // ---- showing state --------------------------------------------------------------

  function questionState(qid, pending) {
    if (failed.has(qid)) {
      return "failed";
    }
    if (timers.has(qid) || inflight.has(qid)) {
      return "saving";
    }
    if (pending[qid]) {
      return "unsaved";
    }
    return "saved";
  }

  const STATUS_LOOK = {
    saving: ["text-secondary", "bi-arrow-repeat", "q_saving"],
    unsaved: ["text-danger", "bi-cloud-slash", "q_unsaved"],
    failed: ["text-danger", "bi-exclamation-octagon", "q_failed"],
    saved: ["text-success", "bi-check-circle", "q_saved"],
  };

  function refresh() {
    if (!state.loaded) {
      return;
    }
    const pending = queue.all();
    const counts = { saving: 0, unsaved: 0, failed: 0, saved: 0 };
    let answered = 0;
    entries.forEach((entry, qid) => {
      const look = questionState(qid, pending);
      const done = isAnswered(entry);
      counts[look] += 1;
      answered += done ? 1 : 0;
      // An unanswered question with nothing pending has no state worth a badge.
      const showBadge = look !== "saved" || done;
      const [colour, icon, key] = STATUS_LOOK[look];
      entry.status.className = "ms-auto small xk-qstatus " + colour;
      entry.status.textContent = "";
      if (showBadge) {
        entry.status.append(el("i", "bi " + icon), document.createTextNode(" " + t(key)));
      }
      entry.card.dataset.state = showBadge ? look : "empty";
      const flagged = flags.has(qid);
      entry.flag.setAttribute("aria-pressed", String(flagged));
      entry.flag.classList.toggle("active", flagged);
      entry.flag.querySelector("span").textContent = flagged ? t("flagged") : t("flag");
      entry.navButton.classList.toggle("xk-answered", done);
      entry.navButton.classList.toggle("xk-flagged", flagged);
      entry.navButton.classList.toggle("xk-unsaved", look === "unsaved" || look === "failed");
    });

    let overall = "saved";
    let text = t(navigator.onLine ? "all_saved" : "network_down");
    let colour = navigator.onLine ? "text-success" : "text-warning-emphasis";
    let icon = navigator.onLine ? "bi-cloud-check" : "bi-wifi-off";
    if (counts.failed) {
      overall = "failed";
      text = t("failed", { n: counts.failed, message: Array.from(failed.values())[0] });
      [colour, icon] = ["text-danger", "bi-exclamation-octagon"];
    } else if (counts.unsaved) {
      overall = "unsaved";
      text = t(navigator.onLine ? "unsaved" : "offline", { n: counts.unsaved });
      text += state.problem ? " · " + state.problem : "";
      [colour, icon] = ["text-danger", "bi-cloud-slash"];
    } else if (counts.saving) {
      overall = "saving";
      text = t("saving");
      [colour, icon] = ["text-secondary", "bi-cloud-arrow-up"];
    }
    saveStatus.className = "small xk-save-status me-auto " + colour;
    saveStatus.dataset.state = overall;
    saveStatus.querySelector("i").className = "bi " + icon;
    saveStatus.querySelector("[data-text]").textContent = text;
    root.querySelectorAll("[data-answered-count]").forEach((node) => {
      node.textContent = t("answered", { a: answered, n: entries.size });
    });
  }

  function showAlert(text) {
    alertBox.textContent = text;
    alertBox.classList.toggle("d-none", !text);
    if (text) {
      alertBox.scrollIntoView({ block: "nearest" });
    }
  }

  // ---- saving -------------------------------------------------------------------------

  function hasUnsaved() {
    return timers.size > 0 || inflight.size > 0 || Object.keys(queue.all()).length > 0;
  }

  function commit(qid) {
    clearTimeout(timers.get(qid));
    timers.delete(qid);
    const entry = entries.get(qid);
    if (!entry) {
      return;
    }
    queue.put(qid, { response: readResponse(entry), seq: nextSeq(qid) });
    failed.delete(qid);
    send(qid);
  }

  function typed(qid) {
    clearTimeout(timers.get(qid));
    timers.set(qid, setTimeout(() => (state.composing ? typed(qid) : commit(qid)), TEXT_DELAY_MS));
  }

  function commitTyping() {
    Array.from(timers.keys()).forEach(commit);
  }

  function scheduleRetry() {
    if (state.retryTimer) {
      return;
    }
    state.failures += 1;
    const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(state.failures - 1, 5));
    // Jitter: thousands of phones in one hall must not all come back in the same second.
    const delay = base / 2 + Math.random() * (base / 2);
    state.retryTimer = setTimeout(() => {
      state.retryTimer = null;
      sendAll();
    }, delay);
  }

  function sendAll(keepalive) {
    Object.keys(queue.all()).forEach((qid) => send(qid, keepalive));
  }

  // The server's input guard refused the answer's text (a control character): the same
  // answer will never be taken, so it is shown on the question rather than retried.
  function refused(result) {
    return result.status === 400 && result.data && result.data.error === "invalid_input";
  }

  async function send(qid, keepalive) {
    if (inflight.has(qid) || state.leaving) {
      return; // the answer in flight, when acknowledged, sends whatever is newer
    }
    const item = queue.all()[qid];
    if (!item || !entries.has(qid)) {
      return;
    }
    if (!navigator.onLine) {
      scheduleRetry();
      refresh();
      return;
    }
    inflight.add(qid);
    refresh();
    let result = null;
    try {
      result = await api("PUT", apiUrl + "/answers/" + encodeURIComponent(qid), item, keepalive);
    } catch (error) {
      result = null; // the network, not the server
    }
    inflight.delete(qid);
    if (result && result.ok) {
      state.failures = 0;
      state.problem = "";
      queue.drop(qid, item.seq);
      if (result.data.applied === false) {
        resync(); // another device saved something newer
      }
    } else if (result && result.status === 409) {
      refresh();
      deadlinePassed(result.data.message);
      return;
    } else if (result && (result.status === 404 || result.status === 422 || refused(result))) {
      failed.set(qid, result.data.message || String(result.status));
      queue.drop(qid, item.seq);
    } else {
      // Offline, 5xx, an expired login or CSRF token: keep it and try again later.
      state.problem = result ? result.data.message || "" : "";
      refresh();
      scheduleRetry();
      return;
    }
    refresh();
    if (queue.all()[qid]) {
      send(qid, keepalive);
    }
  }

  async function flush() {
    commitTyping();
    sendAll();
    const until = Date.now() + FLUSH_TIMEOUT_MS;
    while (inflight.size && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Object.keys(queue.all()).length === 0;
  }

  async function resync() {
    let result;
    try {
      result = await fetchAttempt();
    } catch (error) {
      return;
    }
    if (!result.ok) {
      return;
    }
    if (result.data.status !== "in_progress") {
      finished(t("finished"));
      return;
    }
    const pending = queue.all();
    const seqs = store.get("seqs", {});
    const serverSeqs = result.data.seqs || {};
    const answers = result.data.answers || {};
    entries.forEach((entry, qid) => {
      const seq = serverSeqs[qid] || 0;
      if (seq > (seqs[qid] || 0) && !pending[qid] && !inflight.has(qid) && !timers.has(qid)) {
        seqs[qid] = seq;
        writeResponse(entry, answers[qid]);
      }
    });
    store.set("seqs", seqs);
    readFlags(result.data.flags);
    refresh();
  }

  function readFlags(ids) {
    const server = new Set((ids || []).map(String));
    entries.forEach((entry, qid) => {
      if (!flagging.has(qid)) {
        if (server.has(qid)) {
          flags.add(qid);
        } else {
          flags.delete(qid);
        }
      }
    });
  }

  async function toggleFlag(qid) {
    if (flagging.has(qid) || state.finishing) {
      return;
    }
    const wanted = !flags.has(qid);
    const undo = () => (wanted ? flags.delete(qid) : flags.add(qid));
    if (wanted) {
      flags.add(qid);
    } else {
      flags.delete(qid);
    }
    flagging.add(qid);
    refresh();
    let result = null;
    try {
      result = await api("PUT", apiUrl + "/flags/" + encodeURIComponent(qid), { flagged: wanted });
    } catch (error) {
      result = null;
    }
    flagging.delete(qid);
    if (!result || !result.ok) {
      undo();
      showAlert((result && result.data.message) || t("flag_failed"));
    } else if (alertBox.textContent === t("flag_failed")) {
      showAlert("");
    }
    refresh();
  }

  // ---- the end ------------------------------------------------------------------------

  function lockInputs() {
    container.querySelectorAll("input, textarea").forEach((input) => {
      input.disabled = true;
    });
    root.querySelectorAll("[data-submit]").forEach((button) => {
      button.disabled = true;
    });
  }

  function goToResult(delay) {
    state.leaving = true;
    store.clear();
    setTimeout(() => window.location.assign(resultUrl), delay || 0);
  }

  function finished(message) {
    state.finishing = true;
    lockInputs();
    showAlert(message);
    goToResult(2500);
  }

  // auto: the time ran out (the server records it as an automatic submit).
  async function postSubmit(auto) {
    return api("POST", apiUrl + "/submit", auto ? { auto: true } : {});
  }

  // The server said the time is over: whatever it holds is what counts now.
  async function deadlinePassed(message) {
    if (state.leaving) {
      return;
    }
    state.finishing = true;
    lockInputs();
    showAlert(message || t("time_up"));
    try {
      await postSubmit(true);
    } catch (error) {
      // the server submits overdue attempts itself
    }
    goToResult(2500);
  }

  async function timeUp() {
    if (state.finishing || state.checkingDeadline) {
      return;
    }
    // Saves first (the server reads at its deadline), then ask: an administrator may have
    // extended this attempt.
    state.checkingDeadline = true;
    await flush();
    try {
      const result = await fetchAttempt();
      if (result.ok && result.data.status !== "in_progress") {
        finished(t("time_up"));
        return;
      }
      if (result.ok && state.deadline - (Date.now() + state.offset) > 1000) {
        state.checkingDeadline = false;
        return;
      }
    } catch (error) {
      // offline: the local clock of the server's deadline decides
    }
    state.finishing = true;
    lockInputs();
    showAlert(t("time_up"));
    for (let wait = 1000; ; wait = Math.min(wait * 2, MAX_BACKOFF_MS)) {
      await flush(); // within the server's grace, late saves still count
      if (state.leaving) {
        return;
      }
      try {
        const result = await postSubmit(true);
        if (result.ok) {
          goToResult(0);
        } else {
          finished(result.data.message || t("time_up"));
        }
        return;
      } catch (error) {
        showAlert(t("time_up_offline"));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  function openSubmitDialog() {
    commitTyping();
    const unanswered = [];
    entries.forEach((entry) => {
      if (!isAnswered(entry)) {
        unanswered.push(entry.number);
      }
    });
    modalEl.querySelector("[data-unanswered]").textContent = unanswered.length
      ? t("unanswered_list", { list: unanswered.join(t("list_separator")) })
      : t("all_answered");
    const pendingCount = Object.keys(queue.all()).length;
    const pendingBox = modalEl.querySelector("[data-pending]");
    pendingBox.textContent = t("pending_warning", { n: pendingCount });
    pendingBox.classList.toggle("d-none", pendingCount === 0);
    modalEl.querySelector("[data-error]").classList.add("d-none");
    confirmButton.disabled = false;
    window.bootstrap.Modal.getOrCreateInstance(modalEl).show();
  }

  async function confirmSubmit() {
    const errorBox = modalEl.querySelector("[data-error]");
    const label = confirmButton.textContent;
    const fail = (text) => {
      errorBox.textContent = text;
      errorBox.classList.remove("d-none");
      confirmButton.disabled = false;
      confirmButton.textContent = label;
      state.finishing = false;
    };
    if (state.finishing) {
      return;
    }
    confirmButton.disabled = true;
    confirmButton.textContent = t("submitting");
    errorBox.classList.add("d-none");
    const allSaved = await flush();
    if (state.finishing) {
      return; // the deadline came while flushing
    }
    if (!allSaved) {
      fail(state.problem || t("submit_offline"));
      return;
    }
    state.finishing = true;
    let result;
    try {
      result = await postSubmit();
    } catch (error) {
      fail(t("submit_offline"));
      return;
    }
    if (result.ok) {
      lockInputs();
      goToResult(0);
    } else if (result.status === 409) {
      window.bootstrap.Modal.getOrCreateInstance(modalEl).hide();
      finished(result.data.message || t("time_up"));
    } else {
      fail(result.data.message || t("submit_failed"));
    }
  }

  // ---- time ---------------------------------------------------------------------------

  function formatLeft(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const pad = (n) => (n < 10 ? "0" : "") + n;
    return (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
  }

  function tick() {
    const left = state.deadline - (Date.now() + state.offset);
    countdown.querySelector("[data-countdown]").textContent = formatLeft(left);
    const warn = left <= WARN_MS;
    countdown.classList.toggle("text-bg-light", !warn);
    countdown.classList.toggle("text-bg-warning", warn);
    countdown.classList.toggle("xk-countdown-warning", warn);
    if (left <= 2000 && timers.size) {
      commitTyping(); // no debounce in the last seconds: the deadline will not wait for it
    }
    if (left <= 0) {
      timeUp();
    }
  }

  // ---- focus (integrity log) -----------------------------------------------------------

  function showFocus(data) {
    if (data.auto_submitted) {
      finished(t("auto_submitted"));
      return;
    }
    if (data.limit === null || data.limit === undefined || !data.focus_losses) {
      return;
    }
    const left = data.limit - data.focus_losses;
    focusBox.textContent = left > 0
      ? t("focus_warning", { losses: data.focus_losses, n: left })
      : t("focus_last", { losses: data.focus_losses });
    focusBox.classList.remove("d-none");
  }

  async function report(kind) {
    try {
      const result = await api("POST", apiUrl + "/events", { kind }, true);
      if (result.ok) {
        showFocus(result.data);
      } else if (result.status === 409) {
        finished(result.data.message || t("finished"));
      }
    } catch (error) {
      // best effort: a focus event lost with the network is not worth a queue
    }
  }

  function focusLost() {
    if (!state.hasFocus || state.leaving || !state.loaded) {
      return;
    }
    state.hasFocus = false;
    commitTyping(); // a phone may kill a backgrounded tab: get the text out now
    sendAll(true);
    if (!state.finishing) {
      report("focus_lost");
    }
  }

  function focusRegained() {
    if (state.hasFocus || state.leaving || !state.loaded) {
      return;
    }
    state.hasFocus = true;
    if (!state.finishing) {
      report("focus_regained");
      resync();
    }
  }

  // ---- wiring -------------------------------------------------------------------------

  function bind() {
    container.addEventListener("input", (event) => {
      const card = event.target.closest(".xk-question");
      if (!card || state.finishing) {
        return;
      }
      const qid = card.dataset.qid;
      if (event.target.matches("input[type=text], textarea")) {
        typed(qid);
        refresh();
      } else {
        commit(qid);
      }
    });
    container.addEventListener("compositionstart", () => {
      state.composing = true;
    });
    container.addEventListener("compositionend", () => {
      state.composing = false;
    });
    container.addEventListener("change", (event) => {
      // Leaving a text field saves it at once.
      const card = event.target.closest(".xk-question");
      if (card && timers.has(card.dataset.qid)) {
        commit(card.dataset.qid);
      }
    });
    container.addEventListener("click", (event) => {
      const button = event.target.closest("[data-flag]");
      if (!button) {
        return;
      }
      toggleFlag(button.dataset.flag);
    });
    navGrid.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-qid]");
      if (!link) {
        return;
      }
      event.preventDefault();
      const card = entries.get(link.dataset.qid).card;
      const go = () => {
        card.scrollIntoView({ block: "start" });
        card.focus({ preventScroll: true });
      };
      if (navPanel.classList.contains("show")) {
        navPanel.addEventListener("hidden.bs.offcanvas", go, { once: true });
        window.bootstrap.Offcanvas.getOrCreateInstance(navPanel).hide();
      } else {
        go();
      }
    });
    root.querySelectorAll("[data-submit]").forEach((button) => {
      button.addEventListener("click", openSubmitDialog);
      button.disabled = false;
    });
    confirmButton.addEventListener("click", confirmSubmit);

    window.addEventListener("online", () => {
      clearTimeout(state.retryTimer);
      state.retryTimer = null;
      state.failures = 0;
      sendAll();
      resync();
    });
    window.addEventListener("offline", refresh);
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) {
        focusLost();
      } else {
        focusRegained();
      }
    });
    window.addEventListener("blur", focusLost);
    window.addEventListener("focus", focusRegained);
    window.addEventListener("beforeunload", (event) => {
      if (state.leaving) {
        return;
      }
      commitTyping();
      if (hasUnsaved()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    window.addEventListener("pagehide", () => {
      commitTyping();
      sendAll(true);
      state.leaving = true; // unloading is not leaving the exam for another app
    });
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) {
        state.leaving = false;
        resync();
      }
    });
  }

  async function start() {
    let result = null;
    try {
      result = await fetchAttempt();
    } catch (error) {
      result = null;
    }
    if (!result || !result.ok) {
      const loading = container.querySelector("[data-loading]");
      if (loading) {
        loading.remove();
      }
      showAlert((result && result.data.message) || t("load_failed"));
      setTimeout(start, 5000);
      return;
    }
    const data = result.data;
    if (data.status !== "in_progress") {
      finished(t("finished"));
      return;
    }
    showAlert("");
    render(data.questions || []);

    // Merge: the server's answers, unless this browser holds a newer unsent one.
    const serverSeqs = data.seqs || {};
    const answers = data.answers || {};
    const seqs = store.get("seqs", {});
    const pending = queue.all();
    entries.forEach((entry, qid) => {
      const serverSeq = serverSeqs[qid] || 0;
      seqs[qid] = Math.max(serverSeq, seqs[qid] || 0);
      if (pending[qid] && pending[qid].seq > serverSeq) {
        writeResponse(entry, pending[qid].response);
      } else {
        delete pending[qid];
        writeResponse(entry, answers[qid]);
      }
    });
    Object.keys(pending).forEach((qid) => {
      if (!entries.has(qid)) {
        delete pending[qid];
      }
    });
    store.set("seqs", seqs);
    store.set("queue", pending);
    readFlags(data.flags);

    state.loaded = true;
    showFocus({ focus_losses: data.focus_losses, limit: data.focus_loss_limit });
    bind();
    refresh();
    sendAll();
    tick();
    setInterval(tick, 500);
  }

  start();
})();
