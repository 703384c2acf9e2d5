import { Alert } from '@mantine/core';
import { ApiError } from '../api/client';

/** An API failure, in words a user can act on. */
export function ErrorNotice({ error }: { error: unknown }) {
  const message =
    error instanceof ApiError
      ? error.message
      : 'Hearth did not answer. Check that the server is running, then reload the page.';
  return (
    <Alert color="red" title="Something went wrong" role="alert" m="md">
      {message}
    </Alert>
  );
}
