import { Button, Table } from '@mantine/core';
import { format } from 'date-fns';
import { useState } from 'react';
import type { Lead } from '../../api/types';
import { useOwnerName } from '../owners';
import { ProfileForm } from '../ProfileForm';

const when = (iso: string) => format(new Date(iso), 'd MMM yyyy, HH:mm');

/** The lead's fields, editable in place. */
export function LeadProfile({ lead }: { lead: Lead }) {
  const ownerName = useOwnerName();
  const [editing, setEditing] = useState(false);
  const fields: [string, string | null][] = [
    ['Email', lead.email],
    ['Phone', lead.phone],
    ['Company', lead.company],
    ['Job title', lead.jobTitle],
    ['Industry', lead.industry],
    ['Company size', lead.companySize === null ? null : `${lead.companySize} employees`],
    ['Country', lead.country],
    ['Source', lead.source],
    ['Owner', ownerName(lead.ownerId)],
    ['Marketing', lead.optedOut ? 'opted out' : 'allowed'],
    ['Created', when(lead.createdAt)],
  ];
  return (
    <>
      {editing ? (
        <ProfileForm lead={lead} onDone={() => setEditing(false)} />
      ) : (
        <>
          <Table variant="vertical" withRowBorders={false}>
            <Table.Tbody>
              {fields.map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th w={140}>{label}</Table.Th>
                  <Table.Td>{value ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Button mt="sm" size="xs" variant="default" onClick={() => setEditing(true)}>
            Edit profile
          </Button>
        </>
      )}
    </>
  );
}
