// Which URLs may leave the app (links the user clicks) and which images may be shown inline.

const EXTERNAL_PROTOCOLS: ReadonlySet<string> = new Set(["https:", "http:", "mailto:"]);

/** True for absolute http:, https: and mailto: URLs, the only ones the app opens (in the system browser). */
export function isExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return false;
  }
  if (!EXTERNAL_PROTOCOLS.has(parsed.protocol)) return false;
  if (parsed.protocol !== "mailto:" && parsed.hostname === "") return false;
  return true;
}

/** True for inline `data:image/...` URLs, the only image sources the renderer lets load. */
export function isInlineImageUrl(url: string): boolean {
  return /^data:image\/[a-z0-9.+-]+[;,]/i.test(url.trim());
}
