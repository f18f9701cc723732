/**
 * The OData errors the emulator answers with, shaped and coded like the real Dataverse Web API:
 * `{"error":{"code":"0x...","message":"..."}}` with a hex code (docs/dynamics-apis.md). One constructor per
 * situation so the codes live in one place.
 */
export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers (Retry-After for 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ODataError';
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const errors = {
  unknownSegment: (segment: string) =>
    new ODataError(404, '0x8006088a', `Resource not found for the segment '${segment}'.`),
  recordNotFound: (logicalName: string, id: string) =>
    new ODataError(404, '0x80040217', `Entity '${logicalName}' With Id = ${id} Does Not Exist`),
  badQuery: (message: string) => new ODataError(400, '0x80060888', message),
  unknownProperty: (logicalName: string, property: string) =>
    new ODataError(
      400,
      '0x80060888',
      `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${logicalName}'.`,
    ),
  invalidBodyProperty: (logicalName: string, property: string) =>
    new ODataError(
      400,
      '0x80060888',
      `Invalid property '${property}' was found in entity 'Microsoft.Dynamics.CRM.${logicalName}'.`,
    ),
  skipNotSupported: () => new ODataError(400, '0x80060888', 'The query parameter $skip is not supported.'),
  duplicateKey: () => new ODataError(412, '0x80040237', 'A record with matching key values already exists.'),
  staleEtag: () =>
    new ODataError(
      412,
      '0x80060882',
      "The version of the existing record doesn't match the RowVersion property provided.",
    ),
  methodNotAllowed: (method: string) =>
    new ODataError(405, '0x80060888', `The HTTP method '${method}' is not allowed on this resource.`),
  unavailable: () =>
    new ODataError(503, '0x80040216', 'The service is temporarily unavailable. Try again later.'),
};
