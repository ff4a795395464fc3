import { tCommon } from '../i18n/common.ts';
import { LANGUAGE_NAME } from '../i18n/labels.ts';
import { LOCALES, locale, setLocale } from '../i18n/locale.ts';

/**
 * 中文 | English, on the login page and in the header. Each language is named in itself, so a reader
 * of either finds their own; the choice applies at once and is remembered on this device.
 */
export function LanguageSwitch() {
  return (
    <fieldset class="lang-switch" data-testid="language-switch">
      <legend class="visually-hidden">{tCommon('language')}</legend>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          class={`btn btn--ghost btn--small lang-switch__btn${locale.value === l ? ' lang-switch__btn--on' : ''}`}
          lang={l}
          aria-pressed={locale.value === l}
          data-locale={l}
          onClick={() => setLocale(l)}
        >
          {LANGUAGE_NAME[l]}
        </button>
      ))}
    </fieldset>
  );
}
