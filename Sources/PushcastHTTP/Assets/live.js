// Pushcast live pages: reads the page's multipart stream with fetch() and a ReadableStream,
// swaps each part into place (item by item, so nothing already shown is lost), shows
// "live" or "reconnecting", reconnects with backoff and resumes after the last sequence
// it has seen. Works in every current browser: no top-level multipart needed. Times are
// shown as the server wrote them (UTC, the same on every page). Each part that brings new
// or updated items raises a "pushcast:items" event on the document (notify.js listens).
"use strict";
(() => {
  const body = document.body;
  const main = document.getElementById("live");
  const status = document.getElementById("live-status");
  const streamURL = body.dataset.stream || location.pathname + location.search;
  const resumes = body.dataset.resume === "since";
  // Parts come at least every heartbeat; twice that in silence means the connection is dead.
  const silence = (Number(body.dataset.heartbeat) || 60) * 2000 + 5000;
  const keep = 100;
  const live = { parts: 0, connects: 0, state: "connecting" };
  window.pushcastLive = live;
  let failures = 0;

  function show(state, text) {
    live.state = state;
    if (status) {
      status.dataset.state = state;
      status.textContent = text;
    }
  }

  function lastSeq() {
    let seq = 0;
    for (const section of main.querySelectorAll("section.channel")) {
      seq = Math.max(seq, Number(section.dataset.lastSeq) || 0);
    }
    return seq;
  }

  // A channel's new section, with the items already shown kept and the new ones marked
  // (and added to `added`).
  function merged(fresh, added) {
    const current = [...main.querySelectorAll("section.channel")].find((s) => s.dataset.channel === fresh.dataset.channel);
    const list = current && current.querySelector("ol.items");
    const incoming = fresh.querySelector("ol.items");
    if (!list || !incoming) return fresh;
    const shown = new Map([...list.children].map((li) => [li.dataset.item, li]));
    for (const li of [...incoming.children]) {
      const old = shown.get(li.dataset.item);
      if (old && old.dataset.seq === li.dataset.seq) continue;
      if (old) old.remove();
      li.classList.add("fresh");
      list.appendChild(li);
      added.push(li);
    }
    const newestFirst = [...list.children].sort((a, b) => Number(b.dataset.seq) - Number(a.dataset.seq));
    list.replaceChildren(...newestFirst.slice(0, keep));
    incoming.replaceWith(list);
    if (list.children.length > 0) fresh.querySelectorAll("p.empty").forEach((p) => p.remove());
    return fresh;
  }

  function apply(html) {
    const page = new DOMParser().parseFromString(html, "text/html");
    const next = page.getElementById("live");
    if (!next) return;
    const added = [];
    const children = [...next.children].map((node) => {
      const adopted = document.adoptNode(node);
      return adopted.matches("section.channel") ? merged(adopted, added) : adopted;
    });
    main.replaceChildren(...children);
    document.title = page.title;
    const shown = added.filter((li) => li.isConnected);
    if (shown.length > 0) document.dispatchEvent(new CustomEvent("pushcast:items", { detail: { items: shown } }));
  }

  function handle(part) {
    const split = part.indexOf("\r\n\r\n");
    const headers = split < 0 ? "" : part.slice(0, split).toLowerCase();
    if (!headers.includes("text/html")) return;
    apply(part.slice(split + 4));
    live.parts += 1;
    failures = 0;
    show("live", "live");
  }

  // Reads parts until the stream ends: "closed" after the close delimiter, else "ended".
  async function read(response, heard) {
    const type = response.headers.get("Content-Type") || "";
    const match = /boundary="?([^";\s]+)"?/i.exec(type);
    if (!response.ok || !response.body || !match) throw new Error(`not a stream (${response.status})`);
    const delimiter = "--" + match[1];
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let opened = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return "ended";
      heard();
      text += decoder.decode(value, { stream: true });
      for (;;) {
        if (!opened) {
          const start = text.indexOf(delimiter + "\r\n");
          if (start < 0) break;
          text = text.slice(start + delimiter.length + 2);
          opened = true;
          continue;
        }
        const end = text.indexOf("\r\n" + delimiter);
        const after = end < 0 ? "" : text.slice(end + 2 + delimiter.length);
        if (end < 0 || after.length < 2) break;
        handle(text.slice(0, end));
        if (after.startsWith("--")) return "closed";
        text = after.slice(2);
      }
    }
  }

  function retired() {
    return resumes && main.querySelector('section.channel[data-status="retired"]') !== null;
  }

  async function run() {
    for (;;) {
      const controller = new AbortController();
      let watchdog = 0;
      const heard = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => controller.abort(), silence);
      };
      const seq = lastSeq();
      const url = resumes && seq > 0 ? `${streamURL}${streamURL.includes("?") ? "&" : "?"}since=${seq}` : streamURL;
      let outcome = "failed";
      try {
        heard();
        const response = await fetch(url, {
          headers: { Accept: "multipart/x-mixed-replace" },
          cache: "no-store",
          signal: controller.signal,
        });
        live.connects += 1;
        outcome = await read(response, heard);
      } catch (error) {
        outcome = "failed";
      }
      clearTimeout(watchdog);
      controller.abort();
      if (retired()) {
        show("retired", "retired");
        return;
      }
      // A clean close (the server restarting) is retried at once; failures back off.
      const delay = outcome === "closed" && failures === 0 ? 250 : Math.min(15000, 500 * 2 ** failures);
      failures += 1;
      show("reconnecting", "reconnecting…");
      await new Promise((resolve) => setTimeout(resolve, delay * (0.8 + Math.random() * 0.4)));
    }
  }

  run();
})();
