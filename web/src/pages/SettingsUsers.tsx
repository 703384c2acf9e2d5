import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { format } from 'date-fns';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import type { Role, User } from '../api/types';
import { canManageSettings, SESSION_KEY, useSession } from '../auth/session';
import { ErrorNotice } from '../components/ErrorNotice';
import { fieldProblems } from '../components/field-problems';
import { ScrollBox } from '../components/ScrollBox';

const userKeys = { all: ['users'] as const };
// Mantine's green text on its light green is below 4.5:1: dark text on the light background.
const DONE_STYLES = { title: { color: '#14532d' }, message: { color: '#212529' } };
const WARN_STYLES = { title: { color: '#713f12' }, message: { color: '#212529' } };

const ROLES: { value: Role; label: string }[] = [
  { value: 'rep', label: 'Rep' },
  { value: 'manager', label: 'Manager' },
  { value: 'admin', label: 'Admin' },
];

function useUsers() {
  return useQuery({ queryKey: userKeys.all, queryFn: () => api<{ data: User[] }>('GET', '/users') });
}

function useAddUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; email: string; role: Role; password: string }) =>
      api<User>('POST', '/users', input),
    onSuccess: () => client.invalidateQueries({ queryKey: userKeys.all }),
  });
}

function useUpdateUser() {
  const client = useQueryClient();
  const { session } = useSession();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: ({ id, ...changes }: { id: string; role?: Role; active?: boolean }) =>
      api<User>('PATCH', `/users/${id}`, changes),
    onSettled: async (user) => {
      if (user?.id === session.user.id && !canManageSettings(user.role)) {
        // No longer an admin: settings and the user list are closed to you now. Leave while this
        // page is still mounted, then let menus and pages follow the new role.
        await navigate('/', { replace: true });
        client.removeQueries({ queryKey: userKeys.all });
        await client.refetchQueries({ queryKey: SESSION_KEY });
        return;
      }
      // The session holds your role: menus and pages follow it.
      if (user?.id === session.user.id) await client.refetchQueries({ queryKey: SESSION_KEY });
      await client.invalidateQueries({ queryKey: userKeys.all });
    },
  });
}

function useResetPassword() {
  return useMutation({
    mutationFn: ({ id, password }: { id: string; password: string }) =>
      api<void>('PUT', `/users/${id}/password`, { password }),
  });
}

function AddUserForm() {
  const add = useAddUser();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('rep');
  const [password, setPassword] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const { fieldError, atFields } = fieldProblems(add.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    add.mutate(
      { name, email, role, password },
      {
        onSuccess: (user) => {
          setAdded(`${user.name} can now sign in as ${user.email} with the password you chose.`);
          setName('');
          setEmail('');
          setPassword('');
        },
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Card withBorder component="fieldset" maw={560}>
        <Title order={3} size="h5" component="legend">
          Add a user
        </Title>
        <Stack gap="sm">
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            {...fieldError('name')}
          />
          <TextInput
            label="Email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            {...fieldError('email')}
          />
          <Select
            label="Role"
            description="Reps work their own leads and the hot queue; managers see every lead and the reports; admins also manage users and settings"
            data={ROLES}
            value={role}
            onChange={(v) => v && setRole(v as Role)}
            allowDeselect={false}
            {...fieldError('role')}
          />
          <PasswordInput
            label="First password"
            description="At least 8 characters. Give it to them in person; they sign in with it."
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            {...fieldError('password')}
          />
          {add.isError && !atFields && <ErrorNotice error={add.error} />}
          {added && (
            <Alert color="green" role="status" title="User added" styles={DONE_STYLES}>
              {added}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={add.isPending}>
              Add user
            </Button>
          </Group>
        </Stack>
      </Card>
    </form>
  );
}

/** A new password: every session of that user ends, yours too when it is your own. */
function ResetPasswordDialog({ user, onClose }: { user: User | null; onClose: (done?: string) => void }) {
  const { session, forget } = useSession();
  const reset = useResetPassword();
  const self = user?.id === session.user.id;
  const [password, setPassword] = useState('');
  const { fieldError, atFields } = fieldProblems(reset.error);
  const close = (done?: string) => {
    setPassword('');
    reset.reset();
    onClose(done);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!user) return;
    reset.mutate(
      { id: user.id, password },
      {
        onSuccess: () => {
          // The server ended this session with the others: go to the sign-in page now rather
          // than on the next request's refusal.
          if (self) forget();
          else close(`${user.name} has a new password and was signed out everywhere.`);
        },
      },
    );
  };
  return (
    <Modal
      opened={user !== null}
      onClose={() => close()}
      title={self ? 'A new password for you' : `New password for ${user?.name ?? ''}`}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {self ? (
            <Alert color="yellow" title="You will be signed out" styles={WARN_STYLES}>
              Every session of yours ends, this one too. Sign in again with the new password.
            </Alert>
          ) : (
            <Text size="sm">
              They are signed out on every device and sign in again with this password. Tell it to them
              yourself; Hearth sends no email.
            </Text>
          )}
          <PasswordInput
            label="New password"
            description="At least 8 characters"
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-autofocus
            {...fieldError('password')}
          />
          {reset.isError && !atFields && <ErrorNotice error={reset.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => close()}>
              Cancel
            </Button>
            <Button type="submit" loading={reset.isPending}>
              {self ? 'Set password and sign out' : 'Set password'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Deactivating asks once more; re-activating does not. */
function ActiveToggle({ user, onChange }: { user: User; onChange: (active: boolean) => void }) {
  const [asking, setAsking] = useState(false);
  if (!user.active)
    return (
      <Button size="xs" variant="default" onClick={() => onChange(true)}>
        Re-activate
      </Button>
    );
  if (!asking)
    return (
      <Button size="xs" variant="default" onClick={() => setAsking(true)}>
        Deactivate
      </Button>
    );
  return (
    <Group gap="xs" role="group" aria-label={`Deactivate ${user.name}?`}>
      <Text size="sm">Sign them out and stop their keys?</Text>
      <Button
        size="xs"
        color="red.9"
        onClick={() => {
          setAsking(false);
          onChange(false);
        }}
      >
        Yes, deactivate
      </Button>
      <Button size="xs" variant="default" onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </Group>
  );
}

/** Settings → Users: add people, change their role, deactivate or re-activate them, set a new password. */
export function UsersTab() {
  const { session } = useSession();
  const users = useUsers();
  const update = useUpdateUser();
  const [resetting, setResetting] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (users.isPending) return <Loader aria-label="Loading users" />;
  if (users.isError) return <ErrorNotice error={users.error} />;
  const change = (user: User, changes: { role?: Role; active?: boolean }) => {
    setNotice(null);
    update.mutate({ id: user.id, ...changes });
  };
  return (
    <Stack>
      {update.isError && (
        <Alert color="red" role="alert" title="Not changed">
          {update.error.message}
        </Alert>
      )}
      {notice && (
        <Alert
          color="green.9"
          role="status"
          title="Password set"
          withCloseButton
          onClose={() => setNotice(null)}
        >
          {notice}
        </Alert>
      )}
      <ScrollBox label="Users table" minWidth={860}>
        <Table striped aria-label="Users" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th w={150}>Role</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Added</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data.data.map((u) => {
              const self = u.id === session.user.id;
              return (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    {u.name}
                    {self && (
                      <Text span size="sm" c="gray.8">
                        {' '}
                        (you)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>
                    <Select
                      size="xs"
                      aria-label={`Role of ${u.name}`}
                      data={ROLES}
                      value={u.role}
                      onChange={(v) => v && v !== u.role && change(u, { role: v as Role })}
                      allowDeselect={false}
                      disabled={update.isPending && update.variables?.id === u.id}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Badge color={u.active ? '#166534' : '#374151'} variant="outline">
                      {u.active ? 'active' : 'inactive'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{format(new Date(u.createdAt), 'd MMM yyyy')}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setResetting(u)}>
                        Reset password
                      </Button>
                      {/* The server refuses it too: an admin deactivating themselves would be locked out. */}
                      {!self && <ActiveToggle user={u} onChange={(active) => change(u, { active })} />}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollBox>
      <Text size="sm" c="gray.8">
        A deactivated user is signed out, their API keys stop working and routing skips them; their leads and
        tasks stay theirs. An API key never acts with more than its user's current role. The last active admin
        cannot be demoted or deactivated.
      </Text>
      <AddUserForm />
      <ResetPasswordDialog
        user={resetting}
        onClose={(done) => {
          setResetting(null);
          if (done) setNotice(done);
        }}
      />
    </Stack>
  );
}
