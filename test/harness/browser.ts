// A real browser for the tests: Debian's headless Chromium, started by the test, with a profile of
// its own (a user-data dir kept across reloads, like a returning visitor's) and a HOME whose NSS
// database trusts the emulator's CA, as a user trusts it with `certutil`. Driven over the DevTools
// protocol on a pipe (`--remote-debugging-pipe`: file descriptors 3 and 4, messages ended by NUL),
// so no port is opened and no WebSocket library is needed. Every name resolves to nothing but
// `*.localhost` and loopback, so the browser cannot reach beyond this machine.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Readable, Writable } from "node:stream";

export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((file) => fs.existsSync(file));
export const CERTUTIL = ["/usr/bin/certutil"].find((file) => fs.existsSync(file));
/** What to install when they are missing (.ci/run installs them). */
export const BROWSER_PACKAGES = "apt-get install -y chromium libnss3-tools";

interface Pending {
  resolve(result: any): void;
  reject(error: Error): void;
  method: string;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: Array<(message: any) => void> = [];
  private buffer = "";
  private stderr = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    const output = child.stdio[4] as Readable;
    output.setEncoding("utf8");
    output.on("data", (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf("\0")) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(message);
      }
    });
    child.stderr?.on("data", (chunk) => (this.stderr = (this.stderr + chunk).slice(-4000)));
    child.on("exit", () => {
      for (const call of this.pending.values()) call.reject(new Error(`chromium exited during ${call.method}:\n${this.stderr}`));
      this.pending.clear();
    });
  }

  /** Chromium with a new profile whose HOME trusts `caPem` (the emulator's CA), as `certutil -A -t C,,` does. */
  static async start(caPem: string): Promise<Browser> {
    if (!CHROMIUM || !CERTUTIL) {
      throw new Error(`The browser test needs Debian's chromium and certutil: ${BROWSER_PACKAGES} (as root; .ci/run installs them)`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamutecloud-browser-"));
    const home = path.join(dir, "home");
    const nssdb = path.join(home, ".pki", "nssdb");
    fs.mkdirSync(nssdb, { recursive: true });
    fs.writeFileSync(path.join(dir, "ca.pem"), caPem);
    try {
      execFileSync(CERTUTIL, ["-d", `sql:${nssdb}`, "-N", "--empty-password"], { stdio: "pipe" });
      execFileSync(CERTUTIL, ["-d", `sql:${nssdb}`, "-A", "-t", "C,,", "-n", "MamuteCloud Emulator CA", "-i", path.join(dir, "ca.pem")], {
        stdio: "pipe",
      });
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const child = spawn(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox", // tests run as root in CI containers
        "--remote-debugging-pipe",
        `--user-data-dir=${path.join(dir, "profile")}`,
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--no-pings",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
        // Loopback only: every other name fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE *.localhost, EXCLUDE 127.0.0.1",
        "about:blank",
      ],
      { env: { ...process.env, HOME: home }, stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
    );
    const browser = new Browser(child, dir);
    await browser.send("Browser.getVersion");
    return browser;
  }

  private dispatch(message: any): void {
    if (message.id !== undefined) {
      const call = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!call) return;
      if (message.error) call.reject(new Error(`${call.method}: ${message.error.message}`));
      else call.resolve(message.result);
      return;
    }
    for (const listener of [...this.listeners]) listener(message);
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      (this.child.stdio[3] as Writable).write(`${message}\0`);
    });
  }

  /** The next event `method` of `sessionId` for which `accept` holds; `cancel` stops waiting for it. */
  event(
    method: string,
    sessionId: string,
    accept: (params: any) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<any> & { cancel(): void } {
    let cancel = () => {};
    const promise = new Promise((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        const index = this.listeners.indexOf(listener);
        if (index >= 0) this.listeners.splice(index, 1);
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: any) => {
        if (message.method !== method || message.sessionId !== sessionId || !accept(message.params)) return;
        stop();
        resolve(message.params);
      };
      this.listeners.push(listener);
      cancel = stop;
    });
    return Object.assign(promise, { cancel: () => cancel() });
  }

  /** A new tab. */
  async tab(): Promise<Tab> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    await this.send("Page.enable", {}, sessionId);
    await this.send("Runtime.enable", {}, sessionId);
    return new Tab(this, sessionId);
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      await this.send("Browser.close").catch(() => undefined);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (this.child.exitCode === null) this.child.kill("SIGKILL");
    }
    // The pipes would keep the test runner's event loop alive.
    for (const stream of this.child.stdio) stream?.destroy();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Tab {
  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {}

  /** Opens `url` as typed in the address bar; fails with the browser's error (e.g. an untrusted certificate). */
  async open(url: string): Promise<void> {
    const loaded = this.browser.event("Page.loadEventFired", this.sessionId);
    const { errorText } = await this.browser.send("Page.navigate", { url }, this.sessionId).catch((error: Error) => {
      loaded.cancel();
      throw error;
    });
    if (errorText) {
      loaded.cancel();
      throw new Error(`chromium could not open ${url}: ${errorText}`);
    }
    await loaded;
  }

  /** A plain reload (F5): the page revalidated, its subresources taken from the cache when still fresh. */
  async reload(): Promise<void> {
    const loaded = this.browser.event("Page.loadEventFired", this.sessionId);
    await this.browser.send("Page.reload", { ignoreCache: false }, this.sessionId);
    await loaded;
  }

  /** The value of a JavaScript expression in the page (awaited when it is a promise). */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.browser.send(
      "Runtime.evaluate",
      { expression, returnByValue: true, awaitPromise: true },
      this.sessionId,
    );
    if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  }
}
