// The runs board's script: the list of runs, live (`api/runs/stream`), and the transcript of the run opened
// (`api/runs/{id}/events`: the operations that build it), with Cancel and Steer. Everything a model, a tool or a
// user produced is put into the page as text (textContent, or text nodes), never parsed as HTML.
"use strict";

(() => {
  const connection = document.getElementById("connection");
  const table = document.getElementById("runs-table");
  const tbody = document.getElementById("runs-body");
  const empty = document.getElementById("empty");
  const panel = document.getElementById("run");
  const heading = document.getElementById("run-heading");
  const meta = document.getElementById("run-meta");
  const log = document.getElementById("transcript");
  const runStatus = document.getElementById("run-status");
  const cancelButton = document.getElementById("cancel-run");
  const closeButton = document.getElementById("close-run");
  const steerForm = document.getElementById("steer-form");
  const steerBox = document.getElementById("steer");
  const steerButton = document.getElementById("steer-send");

  const STATUS_WORDS = { running: "Running", completed: "Completed", failed: "Failed", cancelled: "Cancelled" };
  const numbers = new Intl.NumberFormat("en");

  /** What the board knows of each run: { summary, at } (at: performance.now() when the summary came). */
  const runs = new Map();
  /** Each run's row of the table, by run id. */
  const rows = new Map();
  /** The run opened in the panel: { runId, source (its EventSource), transcript }, or null. */
  let opened = null;
  let listSource = null;

  // -- building the page, as text only ---------------------------------------------------------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text; // (no needless change for assistive technology)
  }

  function agentName(summary) {
    return summary.agent || "Unnamed agent";
  }

  function statusWord(summary) {
    return STATUS_WORDS[summary.status] || summary.status;
  }

  /** The run's elapsed seconds now: the server's count, plus the time since it came for a running run. */
  function elapsed(run) {
    const { summary, at } = run;
    return summary.status === "running" ? summary.elapsed + (performance.now() - at) / 1000 : summary.elapsed;
  }

  function formatElapsed(seconds, running) {
    if (seconds < 60) return running ? Math.floor(seconds) + " s" : seconds.toFixed(1) + " s";
    const whole = Math.floor(seconds);
    const s = String(whole % 60).padStart(2, "0");
    if (whole < 3600) return Math.floor(whole / 60) + " min " + s + " s";
    return Math.floor(whole / 3600) + " h " + String(Math.floor(whole / 60) % 60).padStart(2, "0") + " min";
  }

  function formatTokens(summary) {
    return numbers.format(summary.inputTokens) + " / " + numbers.format(summary.outputTokens);
  }

  /** `text`, indented if it is a JSON object or array (a tool's arguments or result); else as it is. */
  function pretty(text) {
    try {
      const value = JSON.parse(text);
      return value !== null && typeof value === "object" ? JSON.stringify(value, null, 2) : text;
    } catch {
      return text;
    }
  }

  async function problem(response) {
    try {
      const body = await response.json();
      return body.detail || response.statusText;
    } catch {
      return response.statusText || "HTTP " + response.status;
    }
  }

  function runUrl(runId, what) {
    return "api/runs/" + encodeURIComponent(runId) + (what ? "/" + what : "");
  }

  // -- the table of runs -------------------------------------------------------------------------------

  /** One run's row: a button naming the run (it opens the transcript), its status, model and counts. */
  class RunRow {
    constructor(runId) {
      this.runId = runId;
      this.tr = element("tr");
      const first = element("th");
      first.scope = "row";
      this.button = element("button", "run-open");
      this.button.type = "button";
      this.button.addEventListener("click", () => openFromTable(runId));
      this.prompt = element("span", "prompt");
      first.append(this.button, this.prompt);
      this.status = element("span", "badge");
      const statusCell = element("td");
      statusCell.append(this.status);
      this.model = element("td");
      this.tokens = element("td", "number");
      this.toolCalls = element("td", "number");
      this.elapsed = element("td", "number elapsed");
      this.tr.append(first, statusCell, this.model, this.tokens, this.toolCalls, this.elapsed);
    }

    update(run) {
      const summary = run.summary;
      const name = agentName(summary);
      setText(this.button, name);
      const label = "Open the run of " + name + ": " + (summary.prompt || "no prompt") + " (" + statusWord(summary) + ")";
      if (this.button.getAttribute("aria-label") !== label) this.button.setAttribute("aria-label", label);
      setText(this.prompt, summary.prompt);
      this.prompt.title = summary.prompt;
      setText(this.status, statusWord(summary));
      this.status.className = "badge " + summary.status;
      this.tr.className = summary.status;
      setText(this.model, summary.model);
      setText(this.tokens, formatTokens(summary));
      setText(this.toolCalls, numbers.format(summary.toolCalls));
      this.tick(run);
    }

    tick(run) {
      setText(this.elapsed, formatElapsed(elapsed(run), run.summary.status === "running"));
    }

    select(selected) {
      if (selected) this.button.setAttribute("aria-current", "true");
      else this.button.removeAttribute("aria-current");
      this.tr.classList.toggle("selected", selected);
    }
  }

  /** Shows the list (newest first), updating rows in place: a row keeps its place, and its focus. */
  function showRuns(list) {
    const at = performance.now();
    const known = new Set();
    let previous = null;
    for (const summary of list) {
      known.add(summary.runId);
      const run = { summary, at };
      runs.set(summary.runId, run);
      let row = rows.get(summary.runId);
      if (!row) {
        row = new RunRow(summary.runId);
        rows.set(summary.runId, row);
        row.select(opened !== null && opened.runId === summary.runId);
      }
      row.update(run);
      const place = previous ? previous.nextSibling : tbody.firstChild;
      if (row.tr !== place) tbody.insertBefore(row.tr, place);
      previous = row.tr;
    }
    for (const [runId, row] of rows) {
      if (known.has(runId)) continue;
      row.tr.remove();
      rows.delete(runId);
      runs.delete(runId);
    }
    table.hidden = list.length === 0;
    empty.hidden = list.length !== 0;
    if (opened) showRunHead();
  }

  /** A new summary of one run (its transcript's `status` operation). */
  function updateRun(summary) {
    const run = { summary, at: performance.now() };
    runs.set(summary.runId, run);
    const row = rows.get(summary.runId);
    if (row) row.update(run);
  }

  function tick() {
    for (const [runId, run] of runs) {
      if (run.summary.status !== "running") continue;
      const row = rows.get(runId);
      if (row) row.tick(run);
    }
    if (opened) showRunMeta();
  }

  function followList() {
    listSource = new EventSource("api/runs/stream");
    listSource.addEventListener("open", () => setText(connection, "Live: the list updates as runs change."));
    listSource.addEventListener("runs", (event) => showRuns(JSON.parse(event.data).runs));
    listSource.addEventListener("error", () => {
      if (listSource.readyState === EventSource.CLOSED) {
        setText(connection, "The list of runs could not be loaded: reload the page to try again.");
      } else {
        setText(connection, "The connection was lost: reconnecting…");
      }
    });
  }

  // -- a run's transcript ------------------------------------------------------------------------------

  /** Builds the transcript from its operations: `add` an entry, `append` text to one, `set` (replace) one. */
  class Transcript {
    constructor(container) {
      this.container = container;
      this.views = [];
      this.group = null; // the article the model's current output goes to (text, thinking, tool calls)
      this.calls = new Map(); // each tool call's view, by its id
      this.ending = null; // the article of how the run ended, if it did
    }

    apply(op) {
      const stick = this.atBottom();
      if (op.op === "add") this.views[op.index] = this.add(op.entry);
      else if (op.op === "append" && this.views[op.index]) this.views[op.index].append(op.text);
      else if (op.op === "set" && this.views[op.index]) this.views[op.index].set(op.entry);
      if (stick) this.container.scrollTop = this.container.scrollHeight;
    }

    atBottom() {
      const c = this.container;
      return c.scrollHeight - c.scrollTop - c.clientHeight < 40;
    }

    article(className, label) {
      const article = element("article", "message " + className);
      article.setAttribute("aria-label", label);
      article.append(element("p", "role", label));
      this.container.append(article);
      return article;
    }

    modelGroup() {
      if (!this.group) this.group = this.article("assistant", "Model");
      return this.group;
    }

    /** A view that shows an entry's text in `node` (as `format` has it, if given), `raw` so far. */
    textView(node, format, raw = node.textContent) {
      return {
        append(text) {
          raw += text;
          if (format) node.textContent = format(raw); // (arguments: indented once they are whole JSON)
          else node.append(text);
        },
        set(entry) {
          raw = entry.text;
          node.textContent = format ? format(raw) : raw;
        },
      };
    }

    add(entry) {
      const text = entry.text || "";
      switch (entry.kind) {
        case "user":
        case "steer": {
          this.group = null;
          const steered = entry.kind === "steer";
          const article = this.article(steered ? "user steering" : "user", steered ? "Steered" : "Prompt");
          return this.textView(article.appendChild(element("p", "text", text)));
        }
        case "text":
          return this.textView(this.modelGroup().appendChild(element("p", "text", text)));
        case "thinking": {
          const details = element("details", "thinking");
          details.append(element("summary", "", "Thinking"));
          this.modelGroup().append(details);
          return this.textView(details.appendChild(element("p", "text thinking-text", text)));
        }
        case "tool-call":
          return this.toolCall(entry);
        case "tool-result":
          return this.toolResult(entry);
        case "output": {
          this.group = null;
          const article = this.article("output", "Structured output");
          return this.textView(article.appendChild(element("pre", "output-text", text)));
        }
        case "error": {
          this.group = null;
          this.ending = this.article("ended", "Run ended");
          return this.textView(this.ending.appendChild(element("p", "text error", text)));
        }
        default: {
          // "note", or a kind this page does not know yet: shown as a notice
          const note = this.container.appendChild(element("p", "notice", text));
          return this.textView(note);
        }
      }
    }

    toolCall(entry) {
      const details = element("details", "tool");
      details.open = true;
      details.append(element("summary", "", "Tool call: " + (entry.tool || "tool")));
      details.append(element("h3", "", "Arguments"));
      const args = details.appendChild(element("pre", "tool-args", pretty(entry.text || "")));
      details.append(element("h3", "", "Result"));
      const result = details.appendChild(element("pre", "tool-result", "running…"));
      this.modelGroup().append(details);
      const view = this.textView(args, pretty, entry.text || "");
      view.result = result;
      if (entry.toolCallId) this.calls.set(entry.toolCallId, view);
      return view;
    }

    toolResult(entry) {
      let call = entry.toolCallId ? this.calls.get(entry.toolCallId) : undefined;
      if (!call) call = this.toolCall({ tool: entry.tool, text: "" });
      call.result.textContent = pretty(entry.text || "");
      call.result.classList.toggle("error", Boolean(entry.failed));
      const view = this.textView(call.result, pretty, entry.text || "");
      const set = view.set;
      view.set = (replaced) => {
        set(replaced);
        call.result.classList.toggle("error", Boolean(replaced.failed));
      };
      return view;
    }

    /** The run ended: say how, and give calls left without a result a word. */
    ended(summary) {
      for (const call of this.calls.values()) {
        if (call.result.textContent === "running…") call.result.textContent = "(no result)";
      }
      if (this.ending) {
        const label = statusWord(summary);
        this.ending.setAttribute("aria-label", label);
        this.ending.firstChild.textContent = label;
        this.ending.classList.toggle("cancelled", summary.status === "cancelled");
      }
    }
  }

  function setRunStatus(text) {
    runStatus.textContent = text;
  }

  /** The panel's heading, meta line and controls, from what the board knows of the opened run. */
  function showRunHead() {
    const run = runs.get(opened.runId);
    if (!run) {
      if (!opened.known) setText(heading, "Run " + opened.runId);
      setText(meta, "");
      setControls(false);
      return;
    }
    opened.known = true;
    const summary = run.summary;
    setText(heading, agentName(summary) + " — " + statusWord(summary));
    heading.className = summary.status;
    showRunMeta();
    setControls(summary.status === "running");
    if (opened.wasRunning === undefined) {
      opened.wasRunning = summary.status === "running";
    } else if (opened.wasRunning && summary.status !== "running") {
      opened.wasRunning = false;
      setRunStatus(endedSentence(summary));
    }
  }

  function endedSentence(summary) {
    if (summary.status === "completed") return "The run completed.";
    if (summary.status === "cancelled") return "The run was cancelled.";
    return "The run failed.";
  }

  function showRunMeta() {
    const run = runs.get(opened.runId);
    if (!run) return;
    const s = run.summary;
    const started = new Date(s.startedAt * 1000).toLocaleTimeString("en-GB");
    const parts = [
      "Model " + s.model,
      "started " + started,
      (s.status === "running" ? "running for " : "ran for ") + formatElapsed(elapsed(run), s.status === "running"),
      numbers.format(s.requests) + (s.requests === 1 ? " request" : " requests"),
      formatTokens(s) + " tokens",
      numbers.format(s.toolCalls) + (s.toolCalls === 1 ? " tool call" : " tool calls"),
    ];
    setText(meta, parts.join(" · "));
  }

  function setControls(running) {
    const controls = [cancelButton, steerBox, steerButton];
    const focused = !running && controls.some((control) => control === document.activeElement && !control.disabled);
    for (const control of controls) control.disabled = !running;
    if (focused) heading.focus(); // (a control disabled as it had the focus would drop it to the page's start)
  }

  /** Opens run `runId` in the panel: its transcript, live, from its first operation. */
  function openRun(runId, { focus = false } = {}) {
    if (opened && opened.runId === runId) {
      if (focus) heading.focus();
      return;
    }
    closeRun();
    opened = {
      runId,
      source: null,
      transcript: new Transcript(log),
      known: false,
      wasRunning: undefined, // (whether it ran when the page first knew it: then its end is announced)
    };
    for (const [id, row] of rows) row.select(id === runId);
    log.replaceChildren();
    setRunStatus("");
    steerBox.value = "";
    panel.hidden = false;
    showRunHead();
    follow(opened);
    if (focus) heading.focus();
  }

  function follow(run) {
    const source = new EventSource(runUrl(run.runId, "events"));
    run.source = source;
    source.addEventListener("message", (event) => {
      if (opened !== run) return;
      const op = JSON.parse(event.data);
      if (op.op === "status") {
        updateRun(op.run);
        if (op.run.status !== "running") run.transcript.ended(op.run);
        showRunHead();
      } else {
        run.transcript.apply(op);
      }
    });
    source.addEventListener("end", () => source.close()); // (all came: else the browser would reconnect)
    source.addEventListener("open", () => {
      if (opened === run && run.lost) {
        run.lost = false;
        setRunStatus("Reconnected.");
      }
    });
    source.addEventListener("error", async () => {
      if (opened !== run) return;
      if (source.readyState !== EventSource.CLOSED) {
        run.lost = true; // (the browser reconnects, and the server resumes after the last operation it sent)
        setRunStatus("The connection was lost: reconnecting…");
        return;
      }
      const response = await fetch(runUrl(run.runId), { credentials: "same-origin" });
      if (opened === run) {
        setRunStatus(response.ok ? "The transcript could not be loaded." : await problem(response));
        setControls(false);
      }
    });
  }

  function closeRun() {
    if (!opened) return;
    opened.source.close();
    rows.get(opened.runId)?.select(false);
    opened = null;
    panel.hidden = true;
    log.replaceChildren();
  }

  // -- the URL: `#run=<id>` is the opened run ------------------------------------------------------------

  function hashRun() {
    const match = /^#run=(.+)$/.exec(location.hash);
    if (!match) return null;
    try {
      return decodeURIComponent(match[1]);
    } catch {
      return null;
    }
  }

  function openFromTable(runId) {
    if (hashRun() !== runId) location.hash = "run=" + encodeURIComponent(runId); // (hashchange opens it)
    else openRun(runId, { focus: true });
  }

  function showHashRun() {
    const runId = hashRun();
    if (runId) openRun(runId);
    else closeRun();
  }

  // -- cancel and steer ----------------------------------------------------------------------------------

  function post(url, body) {
    const options = { method: "POST", credentials: "same-origin" };
    if (body !== undefined) {
      options.headers = { "Content-Type": "application/json" };
      options.body = JSON.stringify(body);
    }
    return fetch(url, options);
  }

  async function cancelRun() {
    const run = opened;
    if (!run) return;
    setRunStatus("Cancelling…");
    try {
      const response = await post(runUrl(run.runId, "cancel"));
      if (opened === run && response.status !== 202) setRunStatus("Could not cancel: " + (await problem(response)));
    } catch (error) {
      if (opened === run) setRunStatus("Could not cancel: " + error.message);
    }
  }

  async function steer() {
    const run = opened;
    const message = steerBox.value.trim();
    if (!run || !message || run.steering) return;
    run.steering = true;
    setRunStatus("Sending the steering message…");
    try {
      const response = await post(runUrl(run.runId, "steer"), { message });
      if (opened !== run) return;
      if (response.status === 202) {
        if (steerBox.value.trim() === message) steerBox.value = "";
        setRunStatus("Steering message delivered.");
      } else {
        setRunStatus("The message was not delivered: " + (await problem(response)));
      }
    } catch (error) {
      if (opened === run) setRunStatus("The message was not delivered: " + error.message);
    } finally {
      run.steering = false;
    }
  }

  // -- wiring -------------------------------------------------------------------------------------------

  steerForm.addEventListener("submit", (event) => {
    event.preventDefault();
    steer();
  });

  steerBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      steerForm.requestSubmit();
    }
  });

  cancelButton.addEventListener("click", cancelRun);

  closeButton.addEventListener("click", () => {
    const runId = opened && opened.runId;
    history.pushState(null, "", location.pathname + location.search);
    closeRun();
    const row = runId && rows.get(runId);
    if (row) row.button.focus();
  });

  window.addEventListener("hashchange", () => {
    showHashRun();
    if (opened) heading.focus();
  });

  // The streams end with the page (not aborted by its unloading), and start again if it comes back.
  window.addEventListener("pagehide", () => {
    listSource.close();
    if (opened) opened.source.close();
  });

  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    followList();
    if (opened) {
      const runId = opened.runId;
      closeRun();
      openRun(runId);
    }
  });

  followList();
  showHashRun();
  setInterval(tick, 1000);
})();
