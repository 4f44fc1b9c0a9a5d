/** A failed call to the hub: the HTTP status and the hub's own message (which never carries a secret). */
export class HubClientError extends Error {
  override name = 'HubClientError';

  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}
