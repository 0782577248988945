/**
 * The Lab tab's stylesheet: uPlot's own CSS plus the lab's layout, scoped under `.lab` so it
 * cannot restyle the rest of the page.
 *
 * @module
 */
import { UPLOT_CSS } from "./uplot_css.ts";

/** The lab's own rules (layout of the form, progress line, plots, exports and run list). */
export const LAB_CSS = `
.lab { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; }
.lab fieldset { border: 1px solid #ddd; border-radius: 6px; margin: 0.5rem 0; padding: 0.5rem; }
.lab legend { font-size: 0.85rem; color: #555; }
.lab .lab-fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(19rem, 100%), 1fr)); gap: 0.25rem 1rem; }
.lab .lab-field { display: grid; grid-template-columns: minmax(0, 8.5rem) minmax(0, 1fr); gap: 0.5rem; align-items: center; }
.lab .lab-field input, .lab .lab-field select, .lab .lab-field textarea { font: inherit; min-width: 0; }
.lab .lab-error { color: #b00020; font-size: 0.8rem; grid-column: 2; }
.lab .lab-error:empty { display: none; }
.lab .lab-row { display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; }
.lab .lab-row > label { max-width: 100%; }
.lab select { max-width: 100%; }
.lab progress { width: min(16rem, 100%); }
.lab .lab-tables, .lab .lab-plots { overflow-x: auto; }
.lab .lab-device[data-fallback] { color: #8a5a00; }
.lab .lab-status[data-state="failed"] { color: #b00020; }
.lab .lab-plots { display: grid; gap: 0.75rem; }
.lab .lab-table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
.lab .lab-table caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
.lab .lab-table th, .lab .lab-table td { border: 1px solid #ddd; padding: 0.15rem 0.5rem; text-align: right; }
.lab .lab-exports a { margin-right: 0.75rem; }
.lab .lab-runs { list-style: none; padding: 0; font-size: 0.9rem; }
.lab .lab-runs li { display: flex; gap: 0.5rem; align-items: center; padding: 0.15rem 0; }
.lab .lab-runs li[aria-current="true"] { font-weight: 600; }
.lab .lab-summary { font-size: 0.85rem; display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; }
`;

/** A `<style>` element with uPlot's CSS and the lab's. */
export function labStyleElement(doc: Document): HTMLStyleElement {
  const style = doc.createElement("style");
  style.dataset.lab = "styles";
  style.textContent = `${UPLOT_CSS}\n${LAB_CSS}`;
  return style;
}
