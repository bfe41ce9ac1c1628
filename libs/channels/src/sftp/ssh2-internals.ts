import type { Connection, SFTPWrapper } from 'ssh2';

/**
 * The few things the SFTP listener needs that ssh2 1.17 has no public API for, each reached
 * through the fields its own code uses (lib/protocol/Protocol.js, lib/Channel.js, lib/server.js)
 * and each checked before use, so a changed ssh2 degrades to its public behaviour instead of
 * throwing. Kept in this one file; re-read it when ssh2 is upgraded.
 */

const MESSAGE_DISCONNECT = 1;
/** ssh2's per-channel receive window (lib/Channel.js MAX_WINDOW). */
const MAX_WINDOW = 2 * 1024 * 1024;

interface ProtocolInternals {
  _packetRW?: {
    write?: {
      allocStartKEX: number;
      alloc(length: number, force: boolean): Buffer;
      finalize(packet: Buffer, force: boolean): Buffer;
    };
  };
  _cipher?: { encrypt(packet: Buffer): void };
  channelWindowAdjust?(channelId: number, amount: number): void;
}

interface ConnectionInternals {
  _protocol?: ProtocolInternals;
  _sock?: { end(): void; destroy(): void; destroyed?: boolean };
}

interface SftpInternals {
  push: (data: Buffer | null) => boolean | undefined;
  incoming?: { window: number };
  outgoing?: { id: number; state: string };
  _waitChanDrain?: boolean;
  _buffer?: Buffer[];
  _client?: ConnectionInternals;
}

/** SSH disconnect reason codes (RFC 4253 §11.1). */
export const DISCONNECT = {
  HOST_NOT_ALLOWED_TO_CONNECT: 1,
  PROTOCOL_ERROR: 2,
  BY_APPLICATION: 11,
  TOO_MANY_CONNECTIONS: 12,
  NO_MORE_AUTH_METHODS_AVAILABLE: 14,
} as const;

/**
 * Sends SSH_MSG_DISCONNECT with a reason text (ssh2's own `disconnect` sends none: OpenSSH
 * would print only "Received disconnect … 11:"), then ends the socket; destroys it if it is
 * still open after `forceAfterMs`.
 */
export function disconnect(client: Connection, reason: number, description: string, forceAfterMs = 1000): void {
  const internals = client as unknown as ConnectionInternals;
  const socket = internals._sock;
  if (!socket || socket.destroyed) return;
  if (!sendDisconnect(internals._protocol, reason, description)) {
    client.end(); // public fallback: DISCONNECT without a text
  }
  socket.end();
  setTimeout(() => socket.destroy(), forceAfterMs).unref();
}

function sendDisconnect(proto: ProtocolInternals | undefined, reason: number, description: string): boolean {
  const write = proto?._packetRW?.write;
  if (!write || !proto?._cipher) return false;
  try {
    const text = Buffer.from(description, 'utf8');
    const length = 1 + 4 + 4 + text.length + 4;
    let p = write.allocStartKEX;
    const packet = write.alloc(length, true);
    packet[p] = MESSAGE_DISCONNECT;
    packet.writeUInt32BE(reason, ++p);
    packet.writeUInt32BE(text.length, (p += 4));
    text.copy(packet, (p += 4));
    packet.writeUInt32BE(0, p + text.length); // empty language tag
    proto._cipher.encrypt(write.finalize(packet, true));
    return true;
  } catch {
    return false;
  }
}

/**
 * Inbound flow control for an SFTP channel. ssh2's SFTP server parses every request as soon as
 * its bytes arrive and keeps granting the client window, so a client could queue writes (or
 * reads whose answers it never collects) faster than the disk or the network drain them. While
 * `overloaded()` says so, the channel's incoming data is held back and the window is not
 * reopened: the client stops sending, and memory stays bounded by one window.
 */
export class InboundFlow {
  private readonly sftp: SftpInternals;
  private readonly push: (data: Buffer | null) => boolean | undefined;
  private readonly held: Array<Buffer | null> = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    sftp: SFTPWrapper,
    private readonly overloaded: () => boolean,
    /** Runs first whenever the flow looks again (the owner starts requests it had to queue). */
    private readonly beforeResume: () => void = () => undefined,
  ) {
    this.sftp = sftp as unknown as SftpInternals;
    const original = this.sftp.push;
    this.push = typeof original === 'function' ? original.bind(sftp) : () => undefined;
    if (typeof original !== 'function' || !this.sftp.incoming) return; // unknown ssh2: no flow control
    this.sftp.push = (data) => this.receive(data);
  }

  /** Answers still waiting in ssh2's buffer for the client's window (lib/protocol/SFTP.js sendOrBuffer). */
  outboundBacklog(): number {
    // A channel closing sends nothing more: what is buffered will never drain, nor needs to.
    if (this.sftp.outgoing?.state !== 'open') return 0;
    return this.sftp._buffer?.length ?? 0;
  }

  /** Call when work finished: resumes a held channel once the load allows. */
  poke(): void {
    if (this.held.length > 0 || this.sftp._waitChanDrain) this.resume();
  }

  /** Stops looking (the session ended); data still held is dropped. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.held.length = 0;
  }

  private receive(data: Buffer | null): boolean | undefined {
    if (data === null) {
      // The client's EOF (or the channel's close): no more is coming, so what is held is all
      // there is; it goes in now, so the session sees its end and releases its handles.
      const held = this.held.splice(0);
      this.stop();
      for (const chunk of held) this.push(chunk);
      return this.push(null);
    }
    if (this.held.length > 0 || this.overloaded()) {
      this.held.push(data);
      this.watch();
      return false; // ssh2 then skips the window adjustment and marks the channel waiting
    }
    const result = this.push(data);
    if (this.overloaded()) {
      this.watch();
      return false;
    }
    return result;
  }

  private resume(): void {
    this.beforeResume();
    while (this.held.length > 0 && !this.overloaded()) this.push(this.held.shift()!);
    if (this.held.length > 0 || this.overloaded()) return this.watch();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.sftp._waitChanDrain) {
      this.sftp._waitChanDrain = false;
      this.reopenWindow();
    }
  }

  /** The client draining our answers raises no event we can hear: look again every few ms while held. */
  private watch(): void {
    this.timer ??= setInterval(() => this.resume(), 20);
    this.timer.unref();
  }

  private reopenWindow(): void {
    const incoming = this.sftp.incoming;
    const outgoing = this.sftp.outgoing;
    const proto = this.sftp._client?._protocol;
    if (!incoming || !outgoing || outgoing.state === 'closed' || !proto?.channelWindowAdjust) return;
    const amount = MAX_WINDOW - incoming.window;
    if (amount <= 0) return;
    incoming.window += amount;
    proto.channelWindowAdjust(outgoing.id, amount);
  }
}
