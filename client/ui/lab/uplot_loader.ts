/**
 * Loads uPlot on first use instead of at import. uPlot builds an `Intl.NumberFormat` from
 * `navigator.language` when its module is evaluated; headless Chromium under a POSIX locale
 * reports "en-US@posix", which is not a BCP 47 tag, and the RangeError would take the whole
 * page bundle down with it. Loading lazily keeps the chat page alive whatever happens, and the
 * language check below lets the charts work there too.
 *
 * @module
 */
import type uPlot from "uplot";

/** The uPlot constructor. */
export type UPlotCtor = typeof uPlot;

/** A language tag `Intl` accepts: `tag` itself when valid, else the runtime's default locale. */
export function usableLanguage(tag: string | undefined): string {
  try {
    return Intl.getCanonicalLocales(tag ?? [])[0] === undefined ? defaultLocale() : (tag as string);
  } catch {
    return defaultLocale();
  }
}

function defaultLocale(): string {
  return new Intl.NumberFormat().resolvedOptions().locale;
}

let loading: Promise<UPlotCtor> | undefined;

/** Import uPlot once (later calls share the promise). */
export function loadUplot(): Promise<UPlotCtor> {
  return loading ??= (async () => {
    const nav = globalThis.navigator as { language?: string } | undefined;
    if (nav !== undefined && usableLanguage(nav.language) !== nav.language) {
      // Shadow the invalid tag on this page's navigator object only; uPlot reads it once.
      Object.defineProperty(nav, "language", {
        value: usableLanguage(nav.language),
        configurable: true,
      });
    }
    return (await import("uplot")).default;
  })();
}
