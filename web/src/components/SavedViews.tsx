import { Button, Group, NativeSelect, Popover, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import {
  type LeadTableSettings,
  type SavedView,
  useCreateView,
  useDeleteView,
  useUpdateView,
  useViews,
} from '../api/views';
import { ErrorNotice } from './ErrorNotice';

/** A name asked for in a small popover: saving a new view, or renaming one. */
function NameForm({
  label,
  action,
  initial,
  pending,
  error,
  onSubmit,
}: {
  label: string;
  action: string;
  initial: string;
  pending: boolean;
  error: Error | null;
  onSubmit: (name: string, close: () => void) => void;
}) {
  const [opened, setOpened] = useState(false);
  const [name, setName] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(name.trim(), () => setOpened(false));
  };
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" withinPortal trapFocus shadow="md">
      <Popover.Target>
        <Button
          variant="default"
          onClick={() => {
            setName(initial);
            setOpened((o) => !o);
          }}
        >
          {label}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <form onSubmit={submit}>
          <Stack gap="xs" w={240}>
            <TextInput
              label="View name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
            />
            {error && <ErrorNotice error={error} />}
            <Button type="submit" loading={pending} disabled={name.trim() === ''}>
              {action}
            </Button>
          </Stack>
        </form>
      </Popover.Dropdown>
    </Popover>
  );
}

/**
 * The user's named views of the leads table (filters, sort, columns): apply one, save the table as it
 * is as a new view, or rename, update or delete the one applied.
 */
export function SavedViews({
  activeId,
  current,
  onApply,
}: {
  activeId: string | null;
  /** The table's settings now: what "Save view" and "Update" store. */
  current: LeadTableSettings;
  onApply: (view: SavedView | null) => void;
}) {
  const views = useViews();
  const create = useCreateView();
  const update = useUpdateView();
  const remove = useDeleteView();
  const active = views.data?.find((v) => v.id === activeId) ?? null;
  return (
    <Group align="end" gap="sm" wrap="wrap">
      <NativeSelect
        label="Saved view"
        data={[
          { value: '', label: views.isPending ? 'Loading…' : 'None' },
          ...(views.data ?? []).map((v) => ({ value: v.id, label: v.name })),
        ]}
        value={active?.id ?? ''}
        onChange={(e) => onApply(views.data?.find((v) => v.id === e.currentTarget.value) ?? null)}
        w={200}
      />
      <NameForm
        label="Save view"
        action="Save"
        initial=""
        pending={create.isPending}
        error={create.error}
        onSubmit={(name, close) =>
          create.mutate(
            { name, view: current },
            {
              onSuccess: (saved) => {
                close();
                if (saved) onApply(saved);
              },
            },
          )
        }
      />
      {active && (
        <>
          <Button
            variant="default"
            loading={update.isPending}
            onClick={() => update.mutate({ id: active.id, view: current })}
          >
            Update “{active.name}”
          </Button>
          <NameForm
            label="Rename"
            action="Rename"
            initial={active.name}
            pending={update.isPending}
            error={update.error}
            onSubmit={(name, close) => update.mutate({ id: active.id, name }, { onSuccess: close })}
          />
          <Button
            variant="default"
            color="red"
            loading={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete the view “${active.name}”?`))
                remove.mutate(active.id, { onSuccess: () => onApply(null) });
            }}
          >
            Delete view
          </Button>
        </>
      )}
      {remove.error && <ErrorNotice error={remove.error} />}
    </Group>
  );
}
