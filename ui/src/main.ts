// Entry point: theme, a page that never navigates away, then the app.
import "./styles.css";
import { openExternal } from "./api";
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

applyTheme("system");
lockNavigation();
void startApp();
