import { defineConfig } from "vitest/config";

// The page is served by Tauri from ui/dist (tauri.conf.json: frontendDist "../ui/dist",
// devUrl "http://localhost:5173"). Relative asset paths, no inline scripts: the CSP allows
// `script-src 'self'` only.
export default defineConfig({
  base: "./",
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK / WKWebView (Safari 15+) and WebView2 (Chromium).
    target: ["es2021", "safari15", "chrome105"],
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    rollupOptions: {
      // Two pages: the main window and the quick-prompt window (its own small entry).
      input: { main: "index.html", quick: "quick.html" },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    // No test waits on a clock; a few do much work in jsdom (the virtual log's 1.5 s scroll-through), which
    // a loaded 2-CPU machine can slow past the default 5 s.
    testTimeout: 15_000,
  },
});
