// Renaming in place: a text field over the conversation's title. Enter saves, Esc cancels, leaving the
// field saves a valid change and drops anything else. An empty or too long title is refused on the spot.
import { checkTitle, MAX_TITLE_CHARS } from "../conversation-title";
import { el, uniqueId } from "./elements";

export interface TitleEditorHandlers {
  /** A valid, changed title (already trimmed). */
  save: (title: string) => void;
  /** Closed without a change. */
  cancel: () => void;
}

export class TitleEditor {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly error: HTMLElement;
  private finished = false;

  constructor(private readonly original: string, private readonly handlers: TitleEditorHandlers) {
    const errorId = uniqueId("title-error");
    this.input = el("input", {
      className: "title-input",
      attrs: {
        type: "text",
        "aria-label": "Conversation title",
        // A little room over the limit, so a paste that is too long is reported instead of cut silently.
        maxlength: String(MAX_TITLE_CHARS * 2),
        autocomplete: "off",
        spellcheck: "false",
        "aria-describedby": errorId,
      },
    });
    this.input.value = original;
    this.error = el("p", { className: "title-error", attrs: { id: errorId, role: "alert" } });
    this.error.hidden = true;
    this.element = el("div", { className: "title-editor" }, this.input, this.error);

    this.input.addEventListener("keydown", (event) => {
      // Keys typed here are text, never sidebar shortcuts (Delete, F2, arrows).
      event.stopPropagation();
      if (event.isComposing) return;
      if (event.key === "Enter") {
        event.preventDefault();
        this.submit();
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.finish(() => handlers.cancel());
      }
    });
    this.input.addEventListener("input", () => this.showError(null));
    this.input.addEventListener("blur", () => {
      // A blur from the field being moved or removed (the list was rebuilt) is not the user leaving.
      if (!this.input.isConnected || this.finished) return;
      const check = checkTitle(this.input.value);
      if (check.ok && check.title !== this.original.trim()) this.finish(() => handlers.save(check.title));
      else this.finish(() => handlers.cancel());
    });
  }

  focus(): void {
    this.input.focus();
    this.input.select();
  }

  private submit(): void {
    const check = checkTitle(this.input.value);
    if (!check.ok) {
      this.showError(check.message);
      return;
    }
    if (check.title === this.original.trim()) this.finish(() => this.handlers.cancel());
    else this.finish(() => this.handlers.save(check.title));
  }

  private showError(message: string | null): void {
    this.error.textContent = message ?? "";
    this.error.hidden = message === null;
    if (message === null) this.input.removeAttribute("aria-invalid");
    else this.input.setAttribute("aria-invalid", "true");
  }

  private finish(then: () => void): void {
    if (this.finished) return;
    this.finished = true;
    then();
  }
}
