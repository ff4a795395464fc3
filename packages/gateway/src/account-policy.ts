import { normaliseUsername, PASSWORD_PROBLEMS, passwordProblem, USERNAME_PROBLEMS, usernameProblem } from '@vigil/auth';
import { badRequest } from './errors.ts';

/**
 * Account input rules (issue 13), applied wherever a username or password is set: `POST /api/users`
 * and `PATCH /api/users/{id}`. Refusals are `invalid_input` with `details.reason` naming the rule
 * (`password_too_short`, `password_breached`, `username_mixed_script`…), for a form to show.
 */
export function acceptedUsername(raw: string): string {
  const username = normaliseUsername(raw);
  const problem = usernameProblem(username);
  if (problem) throw badRequest(USERNAME_PROBLEMS[problem], { reason: problem });
  return username;
}

export function assertPasswordAccepted(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw badRequest(PASSWORD_PROBLEMS[problem], { reason: problem });
}
