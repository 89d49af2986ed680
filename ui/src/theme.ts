// The colour theme: "system" follows prefers-color-scheme through CSS, light/dark force one.
import type { Theme } from "./api";

export function applyTheme(theme: Theme): void {
  const value: Theme = theme === "light" || theme === "dark" ? theme : "system";
  document.documentElement.dataset["theme"] = value;
}
