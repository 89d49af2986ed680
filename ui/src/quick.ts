// Entry of the quick-prompt window (quick.html): theme, then the page. Kept small: the reply renderer
// (views/message.ts) and its render modules, the banner and the DOM helpers; none of the main window's views.
import "./styles.css";
import "./quick.css";
import { applyTheme } from "./theme";
import { isMacPlatform, startQuick } from "./views/quick";

applyTheme("system");
const root = document.getElementById("app");
if (root !== null) startQuick(root, { mac: isMacPlatform() });
