import type { SMTPServer, SMTPServerSession } from 'smtp-server';

/**
 * The parts of smtp-server 3 that its typings leave out, in one place (pinned by
 * smtp-server-internals.spec.ts): the server's set of open connections, and a connection's
 * `send`, which writes one reply and, for a 421, closes the connection. The session registry
 * needs them to end a logged-in session from outside a command handler, which smtp-server's
 * callbacks cannot do; the EHLO reply needs `send` to leave AUTH out before TLS.
 */
export interface StockConnection {
  /** The connection's id, which is also its session's `id`. */
  readonly id: string;
  /** True once TLS is up (implicit, or after STARTTLS). */
  readonly secure: boolean;
  send(code: number, text: string | string[], context?: unknown): void;
  close(): void;
}

/**
 * Leaves `AUTH …` out of this connection's EHLO reply while it is not encrypted: smtp-server
 * lists it either way (it refuses AUTH itself before STARTTLS, but offers it).
 */
export function hideAuthBeforeTls(connection: StockConnection): void {
  const send = connection.send.bind(connection);
  (connection as { send: StockConnection['send'] }).send = (code, text, context) => {
    if (code === 250 && Array.isArray(text) && !connection.secure) {
      text = text.filter((line) => !/^AUTH /i.test(line));
    }
    send(code, text, context);
  };
}

/** smtp-server's set of open connections, indexed by id as well (see `indexConnections`). */
class IndexedConnections extends Set<StockConnection> {
  readonly byId = new Map<string, StockConnection>();

  override add(connection: StockConnection): this {
    this.byId.set(connection.id, connection);
    return super.add(connection);
  }

  override delete(connection: StockConnection): boolean {
    if (this.byId.get(connection.id) === connection) this.byId.delete(connection.id);
    return super.delete(connection);
  }

  override clear(): void {
    this.byId.clear();
    super.clear();
  }
}

function connectionsSet(server: SMTPServer): Set<StockConnection> {
  const connections = (server as unknown as { connections?: Set<StockConnection> }).connections;
  if (!(connections instanceof Set)) {
    throw new Error('smtp-server: SMTPServer.connections is gone (check smtp-server-internals.ts)');
  }
  return connections;
}

/**
 * Swaps a new server's connection set for one indexed by id, so that finding a session's
 * connection costs the same with ten thousand open as with one. Call it before `listen`.
 */
export function indexConnections(server: SMTPServer): void {
  if (connectionsSet(server).size > 0) throw new Error('indexConnections: the server already has connections');
  (server as unknown as { connections: Set<StockConnection> }).connections = new IndexedConnections();
}

export function connectionOf(server: SMTPServer, session: SMTPServerSession): StockConnection | null {
  const connections = connectionsSet(server);
  if (!(connections instanceof IndexedConnections)) throw new Error('connectionOf: call indexConnections first');
  return connections.byId.get(session.id) ?? null;
}

/** Every open connection of a server (at shutdown). */
export function connectionsOf(server: SMTPServer): StockConnection[] {
  return [...connectionsSet(server)];
}
