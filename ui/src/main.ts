// Entry point: theme, a page that never navigates away, then the app.
import "./styles.css";
import { desktopAction, openExternal } from "./api";
import { startApp } from "./app";
import { isExternalUrl } from "./safe-url";
import { applyTheme } from "./theme";

/** Links open in the system browser; dropped files and stray links never replace the page. */
function lockNavigation(): void {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || !(event.target instanceof Element)) return;
    const link = event.target.closest("a");
    if (link === null) return;
    event.preventDefault();
    const href = link.getAttribute("href");
    if (href !== null && isExternalUrl(href)) void openExternal(href).catch(() => undefined);
  });
  document.addEventListener("auxclick", (event) => {
    if (event.target instanceof Element && event.target.closest("a")) event.preventDefault();
  });
  document.addEventListener("dragover", (event) => event.preventDefault());
  document.addEventListener("drop", (event) => event.preventDefault());
}

/**
 * Ctrl+Q (Cmd+Q): quits, since closing the window only hides it while the app keeps running in the tray,
 * and some desktops show no tray icon to quit from.
 */
function quitKey(): void {
  const mac = /mac/i.test(navigator.platform);
  document.addEventListener("keydown", (event) => {
    const mod = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
    if (!mod || event.altKey || event.shiftKey || event.key.toLowerCase() !== "q") return;
    event.preventDefault();
    void desktopAction("quit").catch(() => undefined);
  });
}

applyTheme("system");
lockNavigation();
quitKey();
void startApp();
