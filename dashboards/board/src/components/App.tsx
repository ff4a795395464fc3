import { session } from '../session.ts';
import { Board } from './Board.tsx';
import { Login } from './Login.tsx';

/** `/` is the login until there is a session, then the board (contract §5). */
export function App() {
  const s = session.value;
  // Keyed by token so a new sign-in always starts a fresh board (socket, store, receipts).
  return s ? <Board key={s.token} session={s} /> : <Login />;
}
