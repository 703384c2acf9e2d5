import { ApiError, type FieldProblem } from '../../api/client';

/** The server's problems, paths without the `body.` prefix; none for any other error. */
export function problemsOf(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError)) return [];
  return error.problems.map((p) => ({ path: p.path.replace(/^body\.?/, ''), message: p.message }));
}
