// The chat page's script: sends messages, reads each answer as a Vercel AI data stream (Server-Sent Events)
// and shows it as it arrives. Everything the model or a tool produced is put into the page as text
// (textContent, or text nodes), never parsed as HTML: a model's `<script>` is shown, not run.
"use strict";

(() => {
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const stopButton = document.getElementById("stop");
  const newChatButton = document.getElementById("new-chat");
  const statusLine = document.getElementById("status");

  /** The turn being answered: { runId, ready (a promise of the run id, null if it never started),
   *  stopping, view }, or null. */
  let current = null;
  /** Messages that arrived too late to steer the last turn: sent as the next one. */
  const queued = [];

  // -- building the page, as text only ---------------------------------------------------------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setStatus(text) {
    statusLine.textContent = text;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function addMessage(role, label) {
    const article = element("article", "message " + role);
    article.setAttribute("aria-label", label);
    article.append(element("p", "role", label));
    log.append(article);
    scrollDown();
    return article;
  }

  function showUserMessage(text, steering) {
    const article = addMessage(steering ? "user steering" : "user", steering ? "You (while the agent worked)" : "You");
    article.append(element("p", "text", text));
  }

  function pretty(value) {
    if (typeof value === "string") return value;
    try {
      return JSON.stringify(value, null, 2);
    } catch {
      return String(value);
    }
  }

  function toolView(parent, toolName) {
    const details = element("details", "tool");
    details.open = true;
    details.append(element("summary", "", "Tool call: " + toolName));
    details.append(element("h3", "", "Arguments"));
    const args = element("pre", "tool-args", "");
    details.append(args);
    details.append(element("h3", "", "Result"));
    const result = element("pre", "tool-result", "running…");
    details.append(result);
    parent.append(details);
    return { details, args, result };
  }

  function thinkingView(parent) {
    const details = element("details", "thinking");
    details.append(element("summary", "", "Thinking"));
    const text = element("p", "text thinking-text", "");
    details.append(text);
    parent.append(details);
    return text;
  }

  // -- one answer, chunk by chunk ----------------------------------------------------------------------

  /** Shows an assistant message as its chunks arrive (the Vercel AI UI message stream protocol). */
  class AnswerView {
    constructor() {
      this.article = addMessage("assistant", "Assistant");
      this.article.setAttribute("aria-busy", "true");
      this.texts = new Map();
      this.tools = new Map();
      this.failed = false;
      this.below = false; // a steering message was taken: the model's next response goes below it
    }

    handle(chunk) {
      switch (chunk.type) {
        case "start":
          if (chunk.messageMetadata && chunk.messageMetadata.runId && current) current.runId = chunk.messageMetadata.runId;
          break;
        case "text-start":
          this.texts.set(chunk.id, this.article.appendChild(element("p", "text", "")));
          break;
        case "text-delta":
        case "reasoning-delta":
          this.textNode(chunk).append(chunk.delta);
          break;
        case "reasoning-start":
          this.texts.set(chunk.id, thinkingView(this.article));
          break;
        case "tool-input-start":
          this.tools.set(chunk.toolCallId, toolView(this.article, chunk.toolName));
          break;
        case "tool-input-delta":
          this.tool(chunk).args.append(chunk.inputTextDelta);
          break;
        case "tool-input-available":
          this.tool(chunk).args.textContent = pretty(chunk.input);
          break;
        case "tool-output-available":
          this.tool(chunk).result.textContent = pretty(chunk.output);
          break;
        case "tool-output-error": {
          const view = this.tool(chunk);
          view.result.textContent = chunk.errorText;
          view.result.classList.add("error");
          break;
        }
        case "file":
          this.article.append(element("p", "notice", "[a file: " + chunk.mediaType + "]"));
          break;
        case "error":
          this.failed = true;
          this.article.append(element("p", current && current.stopping ? "notice" : "error", chunk.errorText));
          break;
        case "start-step":
          if (this.below) this.openBelow();
          break;
        default: // finish-step, text-end, reasoning-end, finish, ...: nothing to show
          break;
      }
      scrollDown();
    }

    textNode(chunk) {
      let node = this.texts.get(chunk.id);
      if (!node) {
        node = this.article.appendChild(element("p", "text", ""));
        this.texts.set(chunk.id, node);
      }
      return node;
    }

    tool(chunk) {
      let view = this.tools.get(chunk.toolCallId);
      if (!view) {
        view = toolView(this.article, chunk.toolName || "tool");
        this.tools.set(chunk.toolCallId, view);
      }
      return view;
    }

    /** What the model answers after a steering message is shown below it: from its next response (the next
     *  `start-step`) on, in a new article; the response streaming now ends above, where it began (and tool
     *  results still go to their calls). */
    continueBelow() {
      this.below = true;
    }

    openBelow() {
      this.below = false;
      this.article.setAttribute("aria-busy", "false");
      this.article = addMessage("assistant", "Assistant");
      this.article.setAttribute("aria-busy", "true");
      this.texts.clear();
    }

    done() {
      this.article.setAttribute("aria-busy", "false");
      for (const view of this.tools.values()) {
        if (view.result.textContent === "running…") view.result.textContent = "(no result)";
      }
    }
  }

  /** Calls onChunk with each JSON chunk of a Server-Sent Events body, until the body ends. */
  async function readChunks(response, onChunk) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of block.split("\n")) {
          if (!line.startsWith("data:")) continue;
          const data = line.slice(5).trim();
          if (data && data !== "[DONE]") onChunk(JSON.parse(data));
        }
      }
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

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
  }

  // -- turns: start, steer, stop -----------------------------------------------------------------------

  function setWorking(working) {
    stopButton.disabled = !working;
    newChatButton.disabled = working;
    setStatus(working ? "The agent is working. A message you send now steers it." : "");
  }

  async function startTurn(text) {
    showUserMessage(text, false);
    const view = new AnswerView();
    let started;
    const turn = { runId: null, ready: new Promise((resolve) => (started = resolve)), stopping: false, view };
    current = turn;
    setWorking(true);
    try {
      const response = await postJSON("api/chat", { message: text });
      if (!response.ok) {
        started(null);
        view.handle({ type: "error", errorText: await problem(response) });
        return;
      }
      turn.runId = response.headers.get("x-trio-agent-run-id");
      started(turn.runId);
      if (turn.stopping) stop();
      await readChunks(response, (chunk) => view.handle(chunk));
    } catch (error) {
      started(null);
      view.handle({ type: "error", errorText: "The connection failed: " + error.message });
    } finally {
      view.done();
      const stopped = turn.stopping;
      current = null;
      setWorking(false);
      setStatus(stopped ? "Stopped." : "");
      input.focus();
      if (queued.length) startTurn(queued.shift());
    }
  }

  async function steer(text) {
    const runId = await current.ready;  // (the run's id comes with the response's headers)
    if (!runId) {
      queued.push(text);
      return;
    }
    const response = await postJSON("api/runs/" + encodeURIComponent(runId) + "/steer", { message: text });
    if (response.status === 202) {
      showUserMessage(text, true);
      if (current && current.runId === runId) current.view.continueBelow();
    } else if (response.status === 409 || response.status === 404) {
      queued.push(text);  // the run was ending: the message starts the next turn instead
      setStatus("The answer was ending: your message will be sent next.");
    } else {
      setStatus("Your message could not be sent: " + (await problem(response)));
    }
  }

  async function stop() {
    if (!current) return;
    current.stopping = true;
    if (!current.runId) return;  // stopped as soon as the run's id arrives
    setStatus("Stopping…");
    const response = await fetch("api/runs/" + encodeURIComponent(current.runId) + "/stop", {
      method: "POST",
      credentials: "same-origin",
    });
    if (!response.ok && response.status !== 404) setStatus("Could not stop: " + (await problem(response)));
  }

  // -- the conversation so far (after a reload) ----------------------------------------------------------

  function showStoredMessage(message) {
    if (message.role === "user") {
      for (const part of message.parts) if (part.type === "text") showUserMessage(part.text, false);
      return;
    }
    if (message.role !== "assistant") return;
    const view = new AnswerView();
    for (const part of message.parts) {
      if (part.type === "text") {
        view.article.append(element("p", "text", part.text));
      } else if (part.type === "reasoning") {
        thinkingView(view.article).textContent = part.text;
      } else if (part.type.startsWith("tool-") || part.type === "dynamic-tool") {
        const tool = toolView(view.article, part.toolName || part.type.slice("tool-".length));
        tool.details.open = false;
        tool.args.textContent = pretty(part.input);
        if (part.state === "output-error") {
          tool.result.textContent = part.errorText;
          tool.result.classList.add("error");
        } else if (part.state === "output-available") {
          tool.result.textContent = pretty(part.output);
        }
      }
    }
    view.done();
  }

  async function loadConversation() {
    const response = await fetch("api/messages", { credentials: "same-origin" });
    if (!response.ok) return;
    for (const message of await response.json()) showStoredMessage(message);
  }

  // -- wiring -------------------------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    if (current) steer(text);
    else startTurn(text);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && current) stop();
  });

  stopButton.addEventListener("click", stop);

  newChatButton.addEventListener("click", async () => {
    const response = await fetch("api/messages", { method: "DELETE", credentials: "same-origin" });
    if (response.ok) {
      log.replaceChildren();
      setStatus("New conversation.");
    } else {
      setStatus("Could not start a new conversation: " + (await problem(response)));
    }
    input.focus();
  });

  loadConversation();
})();
