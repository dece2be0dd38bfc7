// A signed-in session: a short-lived access token from a sign-in route, renewed through a refresh
// route before it expires and again whenever the API says it has (a token can expire between the
// check and the request, or the server's clock may run ahead). One session per endpoint and user
// in the process, shared by every client of a stack operation, so an `up` signs in once and every
// renewal is one request however many calls wait for it. A refresh route that rotates its refresh
// token is followed (the newest one is always the one sent); a refused refresh signs in again.
import { registerSecret } from "../redact";

/** The routes and bodies of a cloud's sessions (its dialect's `session`). */
export interface SessionRoutes {
  signIn: { path: string; body(user: string, password: string): unknown };
  refresh: { path: string; body(refreshToken: string): unknown };
  /** The tokens of a sign-in or refresh answer; throws an Error whose message is for the user (MFA asked, no token). */
  readTokens(json: unknown): SessionTokens;
}

export interface SessionTokens {
  accessToken: string;
  refreshToken?: string;
  /** Seconds the access token lives, as the answer says. */
  expiresIn?: number;
}

/** What the session needs of the client: one unauthenticated POST, judged (an ApiError when refused). */
export type SessionPost = (operation: string, path: string, body: unknown) => Promise<unknown>;

/**
 * Renewed this long before the token's end, at most: a request sent just before the end reaches
 * the server after it. A quarter of a short lifetime, so a two-second token is still used.
 */
const RENEW_AHEAD_MS = 30_000;

interface Held {
  accessToken: string;
  refreshToken?: string;
  /** Local time after which the token is renewed before use. */
  renewAt: number;
}

export class Session {
  private held: Held | undefined;
  private renewing: Promise<Held> | undefined;
  /**
   * The refusal of a sign-in (401, 403): answered to every later call of the process without
   * asking again, since repeated failed sign-ins lock an account.
   */
  private refusal: Error | undefined;
  /** Sign-ins so far, and renewals through the refresh route (for tests and the status line). */
  signIns = 0;
  refreshes = 0;

  constructor(
    private readonly routes: SessionRoutes,
    private readonly user: string,
    private readonly password: string,
  ) {
    registerSecret(password);
  }

  /** An access token that is not about to expire: the one held, or a renewed one. */
  async accessToken(post: SessionPost): Promise<string> {
    const held = this.held;
    if (held && Date.now() < held.renewAt) return held.accessToken;
    return (await this.renew(post, held?.accessToken)).accessToken;
  }

  /**
   * The API refused `refused` as not (or no longer) valid: renews unless another call already
   * did, and answers the token to send again with.
   */
  async refused(post: SessionPost, refused: string): Promise<string> {
    return (await this.renew(post, refused)).accessToken;
  }

  /** One renewal at a time; a call that saw an older token than the one held just takes it. */
  private renew(post: SessionPost, stale: string | undefined): Promise<Held> {
    if (this.held && this.held.accessToken !== stale && Date.now() < this.held.renewAt) return Promise.resolve(this.held);
    this.renewing ??= this.fresh(post).finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async fresh(post: SessionPost): Promise<Held> {
    const refreshToken = this.held?.refreshToken;
    let tokens: SessionTokens | undefined;
    const sentAt = Date.now();
    if (refreshToken) {
      try {
        tokens = this.routes.readTokens(await post("renew the session", this.routes.refresh.path, this.routes.refresh.body(refreshToken)));
        this.refreshes++;
      } catch (error) {
        // A refused refresh (expired, rotated by a run elsewhere) is not the end: sign in again.
        const status = (error as { status?: number }).status;
        if (status === undefined || status >= 500 || status === 429) throw error;
      }
    }
    if (!tokens) {
      if (this.refusal) throw this.refusal;
      try {
        tokens = this.routes.readTokens(
          await post(`sign in as ${this.user}`, this.routes.signIn.path, this.routes.signIn.body(this.user, this.password)),
        );
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 401 || status === 403) this.refusal = error as Error;
        throw error;
      }
      this.signIns++;
    }
    registerSecret(tokens.accessToken);
    registerSecret(tokens.refreshToken);
    const lifetimeMs = lifetimeOf(tokens, sentAt);
    const ahead = Math.min(RENEW_AHEAD_MS, lifetimeMs / 4);
    this.held = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? refreshToken,
      renewAt: sentAt + lifetimeMs - ahead,
    };
    return this.held;
  }
}

/**
 * How long a token lives from `sentAt`: the answer's `expires_in`, which is relative and so
 * immune to a server clock set apart from ours; else the JWT's own `exp` (read, not verified: it
 * only times the renewal) against our clock; else fifteen minutes.
 */
function lifetimeOf(tokens: SessionTokens, sentAt: number): number {
  if (tokens.expiresIn !== undefined && tokens.expiresIn > 0) return tokens.expiresIn * 1000;
  const exp = jwtExpiry(tokens.accessToken);
  return exp !== undefined ? Math.max(exp - sentAt, 0) : 15 * 60_000;
}

function jwtExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { exp?: unknown };
    return typeof payload.exp === "number" ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

const sessions = new Map<string, Session>();

/** The process's session for `user` at `endpoint` (one per password too: a changed one signs in anew). */
export function sessionFor(endpoint: string, routes: SessionRoutes, user: string, password: string): Session {
  const key = `${endpoint}\n${user}\n${password}`;
  let session = sessions.get(key);
  if (!session) sessions.set(key, (session = new Session(routes, user, password)));
  return session;
}

/** Forgets every session (tests whose servers may reuse a port), as a new process would. */
export function forgetSessions(): void {
  sessions.clear();
}
