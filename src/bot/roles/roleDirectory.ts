// The port through which the bot learns who is in an Entra group. Declared here, where it is used;
// src/platform/graph/graphDirectoryClient.ts implements it over Microsoft Graph (and the emulator's
// Graph part), and src/index.ts wires the two together.

export interface DirectoryPerson {
  id: string;
  displayName: string;
}

export interface RoleDirectory {
  /** Of these object ids, the ones that are groups. */
  groupsAmong(ids: string[]): Promise<string[]>;
  /** Of these groups, the ones the user is in, directly or through nested groups (transitive). */
  memberGroups(userId: string, groupIds: string[]): Promise<string[]>;
  /** Display names by lower-case object id; unknown ids are left out. */
  displayNames(ids: string[]): Promise<Map<string, string>>;
  /** The people in a group, nested groups included, at most `max`. */
  transitiveUsers(groupId: string, max: number): Promise<DirectoryPerson[]>;
}
