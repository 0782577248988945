/**
 * A workaround for systems whose browser reports a POSIX locale as its language.
 *
 * @module
 */

/**
 * Make `navigator.language` a valid BCP 47 tag for this page. Some systems report POSIX
 * locales such as "en-US@posix", which `Intl` rejects; uPlot formats numbers with
 * `new Intl.NumberFormat(navigator.language)` when its module is evaluated and would fail to
 * load. Call before importing uPlot (or a module that imports it).
 *
 * @example
 * ```ts
 * useValidLanguageTag();
 * const { default: uPlot } = await import("uplot");
 * ```
 */
export function useValidLanguageTag(): void {
  const tag = navigator.language;
  try {
    Intl.NumberFormat.supportedLocalesOf(tag);
  } catch {
    const base = tag.split(/[@.]/)[0] ?? "";
    let fixed = "en-US";
    try {
      if (base !== "" && Intl.NumberFormat.supportedLocalesOf(base).length > 0) fixed = base;
    } catch {
      // keep en-US
    }
    Object.defineProperty(navigator, "language", { value: fixed, configurable: true });
  }
}
