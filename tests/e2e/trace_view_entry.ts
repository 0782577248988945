/**
 * Browser entry of the trace view test (bundled by tests/e2e/trace_view_test.ts with
 * tools/build.ts bundleModule): the trace panel, the pipeline toggles and a reader of a
 * rendered panel's structure for the assertions.
 *
 * @module
 */
export { renderTrace } from "../../client/ui/trace/render_trace.ts";
export {
  defaultPipelineSettings,
  renderPipelineToggles,
  toPipelineRequest,
} from "../../client/ui/trace/pipeline_toggles.ts";

/** What the test reads from one rendered panel (see {@link inspectPanel}). */
export interface PanelReport {
  tag: string;
  openAtFirst: boolean;
  openAfterClick: boolean;
  closedAfterSecondClick: boolean;
  dels: string[];
  citations: { href: string; resolves: boolean; samePassage: boolean; inPanel: boolean }[];
  passages: number;
  critiqueRows: number;
  verificationRows: string[][];
  /** Elements that would only exist if text had become markup. */
  markup: number;
  text: string;
}

/** Read the structure of the rendered panel with id `id` (runs in the page). */
export function inspectPanel(
  id: string,
): Omit<PanelReport, "openAtFirst" | "openAfterClick" | "closedAfterSecondClick"> {
  const panel = document.getElementById(id);
  if (panel === null) throw new Error(`Cannot inspect panel '${id}' as it is not in the page`);
  const links = [...panel.querySelectorAll<HTMLAnchorElement>("a.trace-citation")];
  return {
    tag: panel.tagName.toLowerCase(),
    dels: [...panel.querySelectorAll("del")].map((d) => d.textContent ?? ""),
    citations: links.map((a) => {
      const href = a.getAttribute("href") ?? "";
      const target = document.getElementById(href.slice(1));
      return {
        href,
        resolves: target !== null,
        samePassage: target?.dataset.passage === a.dataset.passage,
        inPanel: target !== null && panel.contains(target),
      };
    }),
    passages: panel.querySelectorAll("li.trace-passage").length,
    critiqueRows: panel.querySelectorAll("table.trace-critique tbody tr").length,
    verificationRows: [...panel.querySelectorAll("table.trace-verification tbody tr")].map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")
    ),
    markup: panel.querySelectorAll("img, script, b, i, iframe").length,
    text: panel.textContent ?? "",
  };
}
