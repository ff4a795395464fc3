import { session } from '../session.ts';
import { Board } from './Board.tsx';
import { Login } from './Login.tsx';

/** `/` is the login until there is a session, then the board (contract §5). */
export function App() {
  const s = session.value;
  // Keyed by user: a new sign-in always passes through the login (no session), so it starts a fresh
  // board (socket, store, receipts); a refreshed token (token-refresh.ts) keeps the board as it is.
  return s ? <Board key={s.user.id} session={s} /> : <Login />;
}
