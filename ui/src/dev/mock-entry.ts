// Dev-only entry (mock.html): installs a fake Rust core, then starts the real app.
import { installMockCore } from "./mock-core";

installMockCore();
await import("../main");
