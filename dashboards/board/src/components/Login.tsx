import { useSignal } from '@preact/signals';
import type { LoginResponse } from '@vigil/contracts';
import { unlockAudio } from '../alarm/audio.ts';
import { ApiError, api, describeError } from '../api.ts';
import { logoutReason, signIn } from '../session.ts';
import { tCommon } from '../i18n/common.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';

function loginErrorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401 || err.status === 400) return tCommon('wrongPassword');
    if (err.status === 429)
      return tCommon('tooManyAttempts', err.retryAfterS ? { seconds: Math.ceil(err.retryAfterS) } : {});
    if (err.status === 0) return err.message;
    return tCommon('signInFailedBecause', { reason: describeError(err) });
  }
  return tCommon('signInFailed');
}

export function Login() {
  const username = useSignal('');
  const password = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    // The sign-in click is the user gesture browsers require before audio: the alarm can sound from then on.
    unlockAudio();
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      const res = await api<LoginResponse>('POST', '/api/auth/login', {
        body: { username: username.value.trim(), password: password.value },
        anonymous: true,
      });
      signIn(res);
    } catch (err) {
      error.value = loginErrorText(err);
      password.value = '';
    } finally {
      busy.value = false;
    }
  };

  const notice = error.value ?? logoutReason.value;
  return (
    <main class="login">
      <form class="login__card" onSubmit={onSubmit} aria-describedby={notice ? 'login-notice' : undefined}>
        <h1 class="login__brand">
          <span class="brand-mark" aria-hidden="true" />
          {tCommon('appName')}
        </h1>
        <p class="login__sub">{tCommon('loginSubtitle')}</p>
        {notice && (
          <p id="login-notice" class={error.value ? 'login__error' : 'login__info'} role="alert">
            {notice}
          </p>
        )}
        <label for="username">{tCommon('username')}</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          required
          value={username.value}
          onInput={(e) => {
            username.value = e.currentTarget.value;
          }}
        />
        <label for="password">{tCommon('password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password.value}
          onInput={(e) => {
            password.value = e.currentTarget.value;
          }}
        />
        <button type="submit" class="btn btn--primary btn--block" disabled={busy.value}>
          {busy.value ? tCommon('signingIn') : tCommon('signIn')}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
