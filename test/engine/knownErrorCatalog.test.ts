import {
  KNOWN_ERRORS,
  knownErrorById,
  matchKnownError,
} from '../../src/engine/knownErrors/knownErrorCatalog';
import { knownErrorSchema } from '../../src/engine/knownErrors/knownError';

/**
 * The catalog of documented errors: every entry well formed, and each one recognised from the text
 * as Microsoft's page prints it (quoted from the page of its `source`), and by no other entry.
 */
const DOCUMENTED_TEXTS: Record<string, string> = {
  'dw9003-connect-failed':
    'DW9003 Failed to connect to CRM. Ensure that the service principal has the correct permissions to access CRM.',
  'health-check-failed': 'Make sure that the whole health check passes on the Setup link to Dataverse page.',
  'health-check-app-version':
    'Dual Write is supported on Finance and Operations app environments with Platform Update PU 33 (App version 10.0.9) or above',
  'health-check-core-solution':
    'The dual-write core solution contains metadata for your entity maps and must be installed in the environment',
  'health-check-plugins':
    'To ensure listening into CRUD operations on the Common Data Service, the dual-write plugins need to be enabled',
  'prospect-to-cash-installed':
    'The "Prospect to Cash" solution or P2C doesn\'t work simultaneously with dual-write.',
  'same-key-company-names': 'Saving connection set failed! An item with the same key has already been added.',
  'dualwrite-page-404': "Response status code doesn't indicate success: 404 (Not Found).",
  'environment-not-discoverable':
    "Finance and operations apps environment ***.cloudax.dynamics.com isn't discoverable.",
  'connection-403-licence':
    'MSG=[Failed to setup dual write environment. Error Details:Response status code does not indicate success: 403 (Forbidden). - Response status code does not indicate success: 403 (Forbidden).]',
  'partitions-exceeded':
    'Dual write failure - Plugin registration failed: [(Unable to get partition map for project DWM-1ae35e60. Error Exceeds the maximum partitions allowed for mapping DWM-1ae35e60)], One or more errors occurred.',
  'map-401-not-link-owner': 'Response status code does not indicate success: 401 (Unauthorized).',
  'tokenexchange-403': 'Response status code does not indicate success: 403 (tokenexchange).',
  'user-not-allowed-connection':
    '[Forbidden], [{"status":403,"source":"","message":"Error from token exchange: User is not allowed to access connection dynamicscrmonline/xxxxxx-xxxx-xxxx-xxxxxxxx"}], The remote server returned an error: (403) Forbidden.',
  'lookup-metadata':
    'Unable to complete initial data sync. Error: dual-write failure - plugin registration failed: Unable to build dual-write lookup metadata. Error object reference not set to an instance of an object.',
  'solution-version-mismatch':
    "Customer groups (msdyn_customergroups) : Dual write failure - Dynamics 365 for Sales solution 'Dynamics365Company' has version mismatch. Version: '2.0.2.10' Required version: '2.0.133'",
  dipv1003: 'DIPV1003 Integration keys are missing',
  dipv1018: 'DIPV1018 Missing source schema',
  dipv1020: 'DIPV1020 Missing destination schema',
  dipv1031: 'DIPV1031 Missing default transform for mandatory destination field',
  'ax-export-error':
    '([Bad Request], The remote server returned an error: (400) Bad Request.), AX export encountered an error.',
  'initial-sync-403':
    '([Forbidden], The remote server returned an error: (403) Forbidden.), AX export encountered an error',
  'guid-resolve':
    "Couldn't resolve the guid for the field: primarycontactid.msdyn_contactpersonid. The lookup wasn't found: 000056.",
  'too-many-lookups':
    "CRMExport: Package execution complete. Error Description 5 Attempts to get data from https://xxxxx//datasets/yyyyy/tables/accounts/items?$select=accountnumber (msdyn_company/cdm_companyid eq 'ID')&$orderby=accountnumber asc failed.",
  '0x80072560':
    '[{\\"error\\":{\\"code\\":\\"0x80072560\\",\\"message\\":\\"The user is not a member of the organization.\\"}}], The remote server returned an error: (403) Forbidden."}}".',
  'unable-to-write-entity':
    'Cannot save the changes to the database. Unit of Work can not commit transaction. Unable to write data to entity uoms. Writes to UnitOfMeasureEntity failed with error message Unable to sync with entity uoms.',
  'secureconfig-mismatch': 'SecureConfig Organization (???) does not match actual CRM Organization (???).',
  'transaction-limits':
    'Error Code: -2147220970 Error Message: Message size exceeded when sending context to Sandbox. Message size: 120 MB',
};

describe('the known-errors catalog', () => {
  it('has well-formed entries with unique ids', () => {
    for (const entry of KNOWN_ERRORS) expect(knownErrorSchema.safeParse(entry).error).toBeUndefined();
    const ids = KNOWN_ERRORS.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(KNOWN_ERRORS.filter((entry) => entry.detection.failurePattern).map((entry) => [entry.id]))(
    'recognises %s from its documented text',
    (id) => {
      expect(DOCUMENTED_TEXTS[id]).toBeDefined();
      expect(matchKnownError(DOCUMENTED_TEXTS[id])?.id).toBe(id);
    },
  );

  it('states why an error without a failure pattern is found another way', () => {
    for (const entry of KNOWN_ERRORS.filter((e) => !e.detection.failurePattern)) {
      expect(entry.match.text).toBeUndefined();
      expect(entry.detection.note).toBeDefined();
    }
  });

  it('reads the code and status of a client error, and knows nothing of other failures', () => {
    expect(matchKnownError({ status: 400, code: 'DW9003', message: 'link refused' })?.id).toBe(
      'dw9003-connect-failed',
    );
    expect(matchKnownError({ status: 500, message: 'Internal Server Error' })).toBeUndefined();
    expect(matchKnownError('Linking failed (HTTP 404): Connection set x was not found.')).toBeUndefined();
    expect(knownErrorById('guid-resolve')?.area).toBe('initial-sync');
    expect(knownErrorById('no-such-error')).toBeUndefined();
  });
});
