import { redact } from "../redact";

/**
 * An API call that failed. The message names the operation, the HTTP status and the API's own
 * message, and is redacted. `outcomeUnknown` is true when the API may have applied the call even
 * though no success was seen (5xx, timeout, dropped connection): a create must then look before
 * trying again (the adopt rule), never assume.
 */
export class MamuteApiError extends Error {
  override name = "MamuteApiError";
  readonly operation: string;
  /** HTTP status, or undefined when no response arrived. */
  readonly status: number | undefined;
  /** The API's error code (`validation_error`, `conflict`, …). */
  readonly code: string | undefined;
  /** The request field the API blamed, if any. */
  readonly field: string | undefined;
  readonly requestId: string | undefined;
  readonly outcomeUnknown: boolean;

  constructor(args: {
    operation: string;
    status?: number;
    code?: string;
    apiMessage: string;
    field?: string;
    requestId?: string;
    attempts?: number;
    outcomeUnknown: boolean;
  }) {
    const status = args.status === undefined ? "" : `HTTP ${args.status}${args.code ? ` ${args.code}` : ""}: `;
    const tries = args.attempts && args.attempts > 1 ? ` after ${args.attempts} attempts` : "";
    const request = args.requestId ? ` (request ${args.requestId})` : "";
    super(redact(`${args.operation} failed${tries}: ${status}${args.apiMessage}${request}`));
    this.operation = args.operation;
    this.status = args.status;
    this.code = args.code;
    this.field = args.field;
    this.requestId = args.requestId;
    this.outcomeUnknown = args.outcomeUnknown;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  get isConflict(): boolean {
    return this.status === 409;
  }
}

/** The API answered 2xx with a body that does not have what the provider needs. */
export class UnexpectedResponseError extends Error {
  override name = "UnexpectedResponseError";
  constructor(operation: string, detail: string) {
    super(redact(`${operation}: the MamuteCloud API answered with an unexpected body (${detail}). ` +
      "The API may have changed; please report it with this message."));
  }
}

/**
 * An answer that is not the MamuteCloud management API's (HTML from a web server, XML from the S3
 * plane, another JSON API): the endpoint setting points at the wrong server. The body is not shown.
 */
export class WrongEndpointError extends Error {
  override name = "WrongEndpointError";
  constructor(operation: string, endpoint: string, detail: string) {
    super(
      redact(
        `${operation}: ${endpoint} answered ${detail}, which is not how the MamuteCloud management API answers. ` +
          "Check mamutecloud:endpoint (or MAMUTECLOUD_ENDPOINT): it must be the management API's URL " +
          "(https://api.mamutecloud.com, or the emulator's management port), not the S3 endpoint or a website.",
      ),
    );
  }
}
