// The colour theme. "system" follows the OS setting, live; "light"/"dark" force one. The page always
// carries the resolved value (data-theme="light"|"dark") so the stylesheet holds each palette once.
import type { Theme } from "./api";

const darkQuery = typeof window.matchMedia === "function" ? window.matchMedia("(prefers-color-scheme: dark)") : null;
let chosen: Theme = "system";

function resolve(theme: Theme): "light" | "dark" {
  if (theme === "light" || theme === "dark") return theme;
  return darkQuery?.matches ? "dark" : "light";
}

export function applyTheme(theme: Theme): void {
  chosen = theme === "light" || theme === "dark" ? theme : "system";
  document.documentElement.dataset["theme"] = resolve(chosen);
}

darkQuery?.addEventListener("change", () => applyTheme(chosen));
