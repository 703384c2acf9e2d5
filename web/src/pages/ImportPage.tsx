import { Alert, Stack, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { canImport, useSession } from '../auth/session';
import { ImportProgress } from './import/ImportProgress';
import { ImportSetup } from './import/ImportSetup';

/**
 * The import wizard (managers and admins): a file, its mapping and dry run, then the import job,
 * whose id the address keeps (`/import?job=…`) so that its progress survives a reload.
 */
export function ImportPage() {
  const { session } = useSession();
  const [params, setParams] = useSearchParams();
  const jobId = params.get('job');
  // A rep reaching /import by its address gets a refusal, not a form the API would refuse.
  if (!canImport(session.user.role)) {
    return (
      <Stack>
        <Title order={2}>Import</Title>
        <Alert color="red" title="Not allowed" role="alert">
          Only managers and admins can import. Ask one of them to bring the file in.
        </Alert>
      </Stack>
    );
  }
  return (
    <Stack gap="md" maw={1100}>
      <div>
        <Title order={2}>Import</Title>
        <Text c="gray.7" size="sm">
          Bring leads or activity from the tool you leave: nothing is written until you press Import.
        </Text>
      </div>
      {jobId ? (
        <ImportProgress id={jobId} onAnother={() => setParams({})} />
      ) : (
        <ImportSetup onStarted={(job) => setParams({ job: job.id })} />
      )}
    </Stack>
  );
}
