/** The terminal UI of `land up` and `land watch`. */
export { runTui, type RunTuiOptions } from './run-tui.js';
export { App, type AppProps } from './app.js';
