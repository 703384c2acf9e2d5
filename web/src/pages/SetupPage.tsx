import {
  Alert,
  Anchor,
  Button,
  Center,
  Loader,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { useCreateOwner, useSetupStatus } from '../auth/setup';
import { ErrorNotice } from '../components/ErrorNotice';
import { fieldProblems } from '../components/field-problems';

function Frame({ children }: { children: ReactNode }) {
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={440}>
        <Stack>
          <Title order={1} size="h2" c="ember.8">
            Hearth
          </Title>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}

/**
 * The one-time "create the owner account" page of a new installation, opened from the link
 * `hearth serve` prints (`/setup?token=…`). Once any user exists the server refuses it, and so
 * does this page.
 */
export function SetupPage() {
  const [params] = useSearchParams();
  const fromLink = params.get('token') ?? '';
  const status = useSetupStatus();
  const createOwner = useCreateOwner();
  const [token, setToken] = useState(fromLink);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { fieldError, atFields } = fieldProblems(createOwner.error);

  if (status.isPending) return <Loader aria-label="Loading" m="xl" />;
  if (status.isError) return <ErrorNotice error={status.error} />;
  const alreadySetUp =
    !status.data.needed || (createOwner.error instanceof ApiError && createOwner.error.status === 409);
  if (alreadySetUp) {
    return (
      <Frame>
        <Text>This Hearth has its owner account already: the setup page works only once.</Text>
        <Text>
          <Anchor component={Link} to="/sign-in">
            Sign in
          </Anchor>{' '}
          with your account, or ask an admin to add you in Settings → Users.
        </Text>
      </Frame>
    );
  }
  const wrongToken = createOwner.error instanceof ApiError && createOwner.error.status === 403;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    createOwner.mutate({ token, name, email, password });
  };
  return (
    <Frame>
      <Title order={2} size="h4">
        Create the owner account
      </Title>
      <Text size="sm">
        This new installation has no users yet. The owner is an admin: they add everyone else in Settings →
        Users. This page works once.
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack>
          {createOwner.isError && !atFields && (
            <Alert color="red" role="alert" title="Not created">
              {createOwner.error.message}
            </Alert>
          )}
          {/* The link from the console carries the token; typed by hand only when it is missing or wrong. */}
          {(fromLink === '' || wrongToken) && (
            <TextInput
              label="Setup token"
              description="The part after ?token= in the link hearth serve printed when it started"
              required
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              {...fieldError('token')}
            />
          )}
          <TextInput
            label="Your name"
            required
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            {...fieldError('name')}
          />
          <TextInput
            label="Email"
            type="email"
            required
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            {...fieldError('email')}
          />
          <PasswordInput
            label="Password"
            description="At least 8 characters; a long passphrase is best"
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            {...fieldError('password')}
          />
          <Button type="submit" loading={createOwner.isPending}>
            Create the owner account
          </Button>
        </Stack>
      </form>
    </Frame>
  );
}
