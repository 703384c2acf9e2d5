import { ApiError } from '../api/client';

// Mantine's own error red and dimmed descriptions are below 4.5:1 on white: the hot badge's red
// and the body text's dark grey instead.
const DESCRIPTION_STYLES = { description: { color: '#343a40' } };
const ERROR_STYLES = {
  ...DESCRIPTION_STYLES,
  error: { color: '#991b1b' },
  input: { borderColor: '#991b1b' },
};

/**
 * The server's problems by field, for a form's inputs: `fieldError('email')` gives the input the
 * message the API answered for `body.email` (Mantine then sets `aria-invalid` and
 * `aria-describedby`), or nothing.
 */
export function fieldProblems(error: unknown) {
  const problems = error instanceof ApiError ? error.problems : [];
  const byPath = new Map(problems.map((p) => [p.path.replace(/^body\.?/, ''), p.message]));
  return {
    /** True when some problem is shown at a field, so the form need not repeat it. */
    atFields: problems.length > 0,
    fieldError: (path: string) => fieldErrorProps(byPath.get(path)),
  };
}

/** An input's props for one problem's message (or none): the error text and readable colours. */
export function fieldErrorProps(message: string | undefined) {
  return message === undefined ? { styles: DESCRIPTION_STYLES } : { error: message, styles: ERROR_STYLES };
}
