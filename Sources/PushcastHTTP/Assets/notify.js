// Pushcast "notify me": an opt-in button on the channel page. It asks for the browser's
// Notification permission only when clicked; once on, each new or updated item (live.js's
// "pushcast:items" event) raises a notification while the tab is hidden, and clicking one
// brings the tab forward with the item in view. The choice is remembered per channel in
// localStorage. Without the Notification API, or when the site is blocked, the button says so.
"use strict";
(() => {
  const button = document.getElementById("notify");
  const section = document.querySelector("section.channel");
  if (!button || !section) return;
  const channel = section.dataset.channel;
  const key = `pushcast.notify.${channel}`;
  // More new items than this in one change make one notification that counts them.
  const most = 3;
  let on = false;

  const api = () => (typeof window.Notification === "function" ? window.Notification : null);

  function remembered() {
    try {
      return localStorage.getItem(key) === "on";
    } catch (error) {
      return false;
    }
  }

  function remember(value) {
    try {
      if (value) localStorage.setItem(key, "on");
      else localStorage.removeItem(key);
    } catch (error) {
      // Storage refused (a private window, say): the choice lasts as long as the page.
    }
  }

  function show(state, text) {
    button.dataset.state = state;
    button.textContent = text;
    button.setAttribute("aria-pressed", String(state === "on"));
  }

  // The button as the API, the permission and the remembered choice have it now.
  function refresh(wanted) {
    const Notification = api();
    on = false;
    if (!Notification) return show("unavailable", "Notifications are not available in this browser");
    if (Notification.permission === "denied") {
      return show("denied", "Notifications are blocked for this site: allow them in the browser's site settings");
    }
    on = wanted && Notification.permission === "granted";
    show(on ? "on" : "off", on ? "Notifying you of new items · stop" : "Notify me of new items");
  }

  async function toggle() {
    const Notification = api();
    if (on || !Notification) {
      remember(false);
      return refresh(false);
    }
    let permission = Notification.permission;
    if (permission === "default") {
      try {
        permission = await Notification.requestPermission();
      } catch (error) {
        permission = Notification.permission;
      }
    }
    remember(permission === "granted");
    refresh(permission === "granted");
  }

  function title(li) {
    const heading = li.querySelector(".item-title");
    return heading ? heading.textContent.trim() : "";
  }

  function notify(items) {
    const Notification = api();
    if (!Notification || Notification.permission !== "granted") return refresh(false);
    const name = section.querySelector(".channel-title");
    const heading = name ? name.textContent.trim() : channel;
    const body = items.length > most
      ? `${items.length} new items: ${items.slice(0, most).map(title).join(" · ")} …`
      : items.map(title).join(" · ");
    const note = new Notification(heading, { body, tag: `pushcast-${channel}-${items[0].dataset.seq}`, icon: "/assets/icon.svg" });
    note.onclick = () => {
      window.focus();
      items[0].scrollIntoView({ block: "center" });
      note.close();
    };
  }

  document.addEventListener("pushcast:items", (event) => {
    if (on && document.visibilityState === "hidden") notify(event.detail.items);
  });
  button.addEventListener("click", toggle);
  button.hidden = false;
  refresh(remembered());
})();
