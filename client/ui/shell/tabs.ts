/**
 * Accessible tabs (WAI-ARIA tabs pattern): buttons with role="tab" inside a role="tablist",
 * each controlling a role="tabpanel" by `aria-controls`. Arrow keys, Home and End move
 * between tabs; only the selected tab is in the focus order.
 *
 * @module
 */

/** Handle of {@link setupTabs}. */
export interface Tabs {
  /** Select a tab by its button id (e.g. "tab-models"). */
  select(tabId: string, focus?: boolean): void;
  /** The selected tab's button id. */
  readonly selected: string;
}

/**
 * Wire the tabs of `tablist`; `onSelect` runs after a tab becomes visible.
 *
 * @example
 * ```ts
 * const tabs = setupTabs(document.querySelector("[role=tablist]")!, (id) => console.log(id));
 * tabs.select("tab-models");
 * ```
 */
export function setupTabs(tablist: HTMLElement, onSelect: (tabId: string) => void): Tabs {
  const tabs = [...tablist.querySelectorAll<HTMLButtonElement>("[role=tab]")];
  let selected = tabs.find((t) => t.getAttribute("aria-selected") === "true")?.id ??
    tabs[0]?.id ?? "";
  const select = (id: string, focus = false) => {
    for (const tab of tabs) {
      const on = tab.id === id;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(tab.getAttribute("aria-controls") ?? "");
      if (panel !== null) panel.hidden = !on;
      if (on && focus) tab.focus();
    }
    selected = id;
    onSelect(id);
  };
  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab.id));
    tab.addEventListener("keydown", (e) => {
      const i = tabs.indexOf(tab);
      const to = e.key === "ArrowRight"
        ? tabs[(i + 1) % tabs.length]
        : e.key === "ArrowLeft"
        ? tabs[(i - 1 + tabs.length) % tabs.length]
        : e.key === "Home"
        ? tabs[0]
        : e.key === "End"
        ? tabs[tabs.length - 1]
        : undefined;
      if (to !== undefined) {
        e.preventDefault();
        select(to.id, true);
      }
    });
  }
  select(selected);
  return {
    select,
    get selected() {
      return selected;
    },
  };
}
