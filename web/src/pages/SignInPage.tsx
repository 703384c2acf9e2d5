import {
  Alert,
  Anchor,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { useSignIn } from '../auth/session';
import { useSetupStatus } from '../auth/setup';

export function SignInPage() {
  const signIn = useSignIn();
  // Only a new installation without any user links to the one-time owner account page.
  const setupNeeded = useSetupStatus().data?.needed === true;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={400}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h2" c="ember.8">
              Hearth
            </Title>
            <Text>Sign in to your lead desk.</Text>
            {setupNeeded && (
              <Alert color="ember" title="New installation" role="status">
                <Text size="sm">
                  Nobody has an account yet.{' '}
                  <Anchor component={Link} to="/setup">
                    Create the owner account
                  </Anchor>{' '}
                  with the setup link printed on the server's console.
                </Text>
              </Alert>
            )}
            {signIn.isError && (
              <Alert color="red" role="alert" title="Not signed in">
                {signIn.error.message}
              </Alert>
            )}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={signIn.isPending}>
              Sign in
            </Button>
            <Text size="sm" c="gray.8">
              No account yet? An admin adds you in Settings → Users.
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
