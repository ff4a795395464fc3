import { useSignal } from '@preact/signals';
import type { LoginResponse } from '@vigil/contracts';
import { unlockAudio } from '../alarm/audio.ts';
import { ApiError, api } from '../api.ts';
import { logoutReason, signIn } from '../session.ts';

function loginErrorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401 || err.status === 400) return 'Wrong username or password.';
    if (err.status === 429) {
      const wait = err.retryAfterS ? ` Try again in ${Math.ceil(err.retryAfterS)} s.` : ' Wait a minute and try again.';
      return `Too many attempts.${wait}`;
    }
    if (err.status === 0) return err.message;
    return `Sign-in failed: ${err.message}`;
  }
  return 'Sign-in failed. Please try again.';
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
          Vigil
        </h1>
        <p class="login__sub">Sign in to the live alert board</p>
        {notice && (
          <p id="login-notice" class={error.value ? 'login__error' : 'login__info'} role="alert">
            {notice}
          </p>
        )}
        <label for="username">Username</label>
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
        <label for="password">Password</label>
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
          {busy.value ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
