import { signal } from '@preact/signals';

/**
 * The board's languages. Chinese first: the users are in China; English for staff who ask for it.
 * The choice is the browser's (`navigator.languages`) until the user picks one in the header; the
 * pick is remembered on this device.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const STORAGE_KEY = 'vigil.locale';

/** The first of the browser's languages that the board speaks: any `zh*` is Chinese, else English. */
export function pickLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

function stored(): Locale | undefined {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return (LOCALES as readonly string[]).includes(v ?? '') ? (v as Locale) : undefined;
  } catch {
    return undefined; // storage blocked (private mode): the browser's language decides
  }
}

function initial(): Locale {
  const nav = globalThis.navigator;
  return stored() ?? pickLocale(nav ? (nav.languages?.length ? nav.languages : [nav.language]) : []);
}

/** The language in force; components that read it re-render when it changes. */
export const locale = signal<Locale>(initial());

export function setLocale(next: Locale): void {
  locale.value = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered on this device; the switch still applies now
  }
  if (globalThis.document) document.documentElement.lang = next;
}

if (globalThis.document) document.documentElement.lang = locale.value;
