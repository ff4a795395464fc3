import { type Locale, locale } from './locale.ts';

/** A message: plain text, or a function of its parameters (numbers, names, plural forms). */
// biome-ignore lint/suspicious/noExplicitAny: each message declares its own parameter type
export type Message = string | ((params: any) => string);

type ParamsOf<M> = M extends (params: infer P) => string ? P : undefined;

/** The Chinese catalogue must have every key of the English one, each of the same shape. */
export type Translation<M extends Record<string, Message>> = {
  [K in keyof M]: M[K] extends string ? string : M[K];
};

/**
 * One feature's strings in both languages, next to the feature (`src/i18n/<feature>.ts`), so a
 * new screen brings its own catalogue and the compiler refuses a Chinese one with a key missing.
 *
 *   const t = defineMessages({ open: 'Open alerts', count: (p: { n: number }) => `${p.n} open` },
 *                            { open: '待处理警报', count: (p) => `${p.n} 条待处理` });
 *   t('open'); t('count', { n: 3 });
 *
 * `t` reads the `locale` signal, so a component calling it re-renders on a language switch.
 */
export function defineMessages<const M extends Record<string, Message>>(en: M, zh: Translation<M>) {
  const catalogues: Record<Locale, Record<string, Message>> = { en, 'zh-CN': zh };
  function t<K extends keyof M & string>(
    key: K,
    ...params: ParamsOf<M[K]> extends undefined ? [] : [ParamsOf<M[K]>]
  ): string {
    const message = catalogues[locale.value][key] ?? en[key];
    return typeof message === 'function' ? message(params[0]) : (message as string);
  }
  /** Every key of this catalogue (tests check both languages render each one). */
  t.keys = Object.keys(en) as (keyof M & string)[];
  t.catalogues = catalogues;
  return t;
}

/** Picks the plural form for English ("1 alert", "2 alerts"); Chinese has none. */
export function plural(n: number, one: string, other: string): string {
  return n === 1 ? one : other;
}
