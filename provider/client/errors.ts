import { redact } from "../redact";

/**
 * An API call that failed. The message names the operation, the HTTP status and the API's own
 * message, and is redacted. `outcomeUnknown` is true when the API may have applied the call even
 * though no success was seen (5xx, timeout, dropped connection): a create must then look before
 * trying again (the adopt rule), never assume.
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly operation: string;
  /** HTTP status, or undefined when no response arrived. */
  readonly status: number | undefined;
  /** The API's error code (`validation_error`, `conflict`, …). */
  readonly code: string | undefined;
  /** The request field the API blamed, if any. */
  readonly field: string | undefined;
  readonly requestId: string | undefined;
  readonly outcomeUnknown: boolean;
  /** Who holds what a 409 refused, when the API's body says (an id or a name). */
  readonly holder: string | undefined;

  constructor(args: {
    operation: string;
    status?: number;
    code?: string;
    apiMessage: string;
    field?: string;
    holder?: string;
    requestId?: string;
    attempts?: number;
    outcomeUnknown: boolean;
    /** What to do about it, after the API's message (an authentication failure's settings). */
    advice?: string;
    /** A refusal the dialect reads as a taken key although its status is not 409 (the dialect's `isConflict`). */
    conflict?: boolean;
  }) {
    const status = args.status === undefined ? "" : `HTTP ${args.status}${args.code ? ` ${args.code}` : ""}: `;
    const tries = args.attempts && args.attempts > 1 ? ` after ${args.attempts} attempts` : "";
    const request = args.requestId ? ` (request ${args.requestId})` : "";
    const held = args.holder && !args.apiMessage.includes(args.holder) ? ` (held by ${args.holder})` : "";
    const advice = args.advice ? `. ${args.advice}` : "";
    super(redact(`${args.operation} failed${tries}: ${status}${args.apiMessage}${held}${request}${advice}`));
    this.operation = args.operation;
    this.status = args.status;
    this.code = args.code;
    this.field = args.field;
    this.holder = args.holder;
    this.requestId = args.requestId;
    this.outcomeUnknown = args.outcomeUnknown;
    this.conflict = args.conflict === true;
  }

  private readonly conflict: boolean;

  // Status first: whatever shape the body has, the status says what happened.
  get isNotFound(): boolean {
    return this.status === 404;
  }

  get isConflict(): boolean {
    return this.status === 409 || this.conflict;
  }

  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }

  get isRateLimited(): boolean {
    return this.status === 429;
  }
}

/** "Already gone": a 404 from the API, whatever its body. The one test every delete and read uses. */
export function isNotFound(err: unknown): err is ApiError {
  return err instanceof ApiError && err.isNotFound;
}

export function isConflict(err: unknown): err is ApiError {
  return err instanceof ApiError && err.isConflict;
}

/**
 * A create answered 2xx with a body the provider cannot read (a field it needs is missing): the
 * object was made, but its id is not known. Handled like a lost answer (the adopt rule looks it up),
 * with one more certainty: it exists. `answer` is the parsed body, for what it does carry (a
 * credential's secret); it is not enumerable, so it never reaches a printed error.
 */
export class UnreadableAnswerError extends ApiError {
  override name = "UnreadableAnswerError";
  declare readonly answer: unknown;
  constructor(operation: string, status: number, detail: string, answer: unknown) {
    super({
      operation,
      status,
      apiMessage: `the API made it but its answer lacks what the provider needs (${detail}); looking it up instead`,
      outcomeUnknown: true,
    });
    Object.defineProperty(this, "answer", { value: answer, enumerable: false });
  }
}

/** The API answered 2xx with a body that does not have what the provider needs. */
export class UnexpectedResponseError extends Error {
  override name = "UnexpectedResponseError";
  /** `cloud`: whose API, for the message (the client's dialect names it). */
  constructor(operation: string, detail: string, cloud?: string) {
    super(
      redact(
        `${operation}: the ${cloud ? `${cloud} ` : ""}API answered with an unexpected body (${detail}). ` +
          "The API may have changed; please report it with this message.",
      ),
    );
  }
}

/**
 * An answer that is not a cloud's management API's (HTML from a web server, XML from an S3
 * plane, another JSON API): the endpoint setting points at the wrong server. The body is not shown.
 * `hint` says which setting to check and what it must be (the dialect's `wrongEndpointHint`).
 */
export class WrongEndpointError extends Error {
  override name = "WrongEndpointError";
  constructor(operation: string, endpoint: string, detail: string, cloud: string, hint: string) {
    super(redact(`${operation}: ${endpoint} answered ${detail}, which is not how the ${cloud} management API answers. ${hint}`));
  }
}
