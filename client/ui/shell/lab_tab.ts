/**
 * The Lab tab's loader: the lab (client/ui/lab, with jax-js plots and its own database) is
 * imported and mounted the first time the tab opens, so the chat does not pay for it at start.
 *
 * @module
 */
import { useValidLanguageTag } from "./locale.ts";

/**
 * Import the lab and mount it into `panel` (once per call; the caller calls it once).
 *
 * @example
 * ```ts
 * await mountLabLazily(document.getElementById("panel-lab")!);
 * ```
 */
export async function mountLabLazily(panel: HTMLElement): Promise<void> {
  panel.textContent = "Loading the lab…";
  useValidLanguageTag(); // the lab's charts import uPlot, which reads navigator.language
  const { mountLab } = await import("../lab/mount.ts");
  panel.replaceChildren();
  mountLab(panel, {});
}
