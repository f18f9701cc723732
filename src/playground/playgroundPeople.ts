// Who is in the Agents Playground's tenant. The Playground has no user switch: the page always acts
// as `currentUser` (the admin who requests a setup); the approver acts through the Playground's
// invoke endpoint (`npm run approve`). With four eyes on, the two must be different people.
//
// The ids are fixed so the README can tell a newcomer which `aadObjectId` to put into `APPROVERS`.

export interface PlaygroundPerson {
  /** The Bot Framework channel account id (`from.id`). */
  id: string;
  name: string;
  givenName: string;
  surname: string;
  /** The Entra object id the bot's access policy (ADMINS, APPROVERS) compares against. */
  aadObjectId: string;
  email: string;
}

const person = (n: number, givenName: string, surname: string): PlaygroundPerson => ({
  id: `29:playground-user-${n}`,
  name: `${givenName} ${surname}`,
  givenName,
  surname,
  aadObjectId: `00000000-0000-4000-8000-0000000000${String(20 + n)}`,
  email: `${givenName.toLowerCase()}.${surname.toLowerCase()}@contoso.example`,
});

/** The signed-in person of the page: the dual-write admin who requests setups. */
export const REQUESTER = person(0, 'Alex', 'Admin');
/** The second person who approves bootstrapping (four eyes). */
export const APPROVER = person(1, 'Priya', 'Approver');

/** The Playground wants exactly five people besides the signed-in one. */
export const OTHER_PEOPLE: readonly PlaygroundPerson[] = [
  APPROVER,
  person(2, 'Megan', 'Bowen'),
  person(3, 'Adele', 'Vance'),
  person(4, 'Isaiah', 'Langer'),
  person(5, 'Patti', 'Fernandez'),
];

export const PLAYGROUND_TENANT_ID = '00000000-0000-4000-8000-000000000001';

/** The team and its channels; General's channel id equals the team id, as in Teams. */
export const PLAYGROUND_TEAM = {
  id: '19:dualwrite-playground-general@thread.tacv2',
  name: 'Contoso ERP Admins',
  aadGroupId: '00000000-0000-4000-8000-000000000031',
  extraChannel: { id: '19:dualwrite-playground-rollout@thread.tacv2', name: 'Dual-write rollout' },
} as const;

export const PLAYGROUND_BOT_ID = '28:dualwrite-setup-bot';
