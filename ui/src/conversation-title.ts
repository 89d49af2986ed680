// A conversation's title as shown, and the rule for a new one (the core's: trimmed, 1–200 characters).
import type { ConversationSummary } from "./api";

export const MAX_TITLE_CHARS = 200;

export function conversationTitle(conversation: Pick<ConversationSummary, "title">): string {
  const title = conversation.title.trim();
  return title === "" ? "Untitled conversation" : title;
}

export type TitleCheck = { ok: true; title: string } | { ok: false; message: string };

/** Checks a typed title; characters are counted as the core counts them (code points). */
export function checkTitle(raw: string): TitleCheck {
  const title = raw.trim();
  if (title === "") return { ok: false, message: "A title cannot be empty." };
  const length = Array.from(title).length;
  if (length > MAX_TITLE_CHARS) {
    return { ok: false, message: `A title can have at most ${MAX_TITLE_CHARS} characters (this one has ${length}).` };
  }
  return { ok: true, title };
}
