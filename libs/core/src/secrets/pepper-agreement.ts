import { Inject, Injectable } from '@nestjs/common';
import { SETTINGS_REPOSITORY, SettingsRepository } from '../admin-tokens/admin-token.repository';
import { SecretHasher } from './secret-hasher';
import { SECRET_HASHER } from './secret-hasher.token';

const MARKER_KEY = 'pepper_marker';
/** What the marker is an HMAC of: fixed, so every node with the same pepper computes the same. */
const MARKER_INPUT = 'gatehouse pepper marker v1';

/** This node's pepper is not the one the database was started with: the process must not start. */
export class PepperMismatchError extends Error {
  constructor() {
    super(
      'GATEHOUSE_PEPPER differs from the pepper this database was first started with: every node must use the same ' +
        'pepper (generated secrets, tokens and the root token are keyed by it). Copy GATEHOUSE_PEPPER (or the data ' +
        "dir's pepper file) from the first node.",
    );
    this.name = 'PepperMismatchError';
  }
}

/**
 * Several nodes over one database must share GATEHOUSE_PEPPER (DESIGN.md §5); a node with
 * another one would refuse every generated secret and token, one login at a time. At the first
 * start an HMAC of a fixed text under the pepper is stored (it tells nothing about the pepper);
 * every later start compares its own and refuses to start on a difference.
 */
@Injectable()
export class PepperAgreement {
  constructor(
    @Inject(SETTINGS_REPOSITORY) private readonly settings: SettingsRepository,
    @Inject(SECRET_HASHER) private readonly hasher: SecretHasher,
  ) {}

  /**
   * Whether a node has started on this database, recording its pepper's marker: then only that
   * pepper may be used with it (a tool must not make up a new one).
   */
  static async recorded(settings: SettingsRepository): Promise<boolean> {
    return (await settings.get(MARKER_KEY)) !== null;
  }

  async check(): Promise<void> {
    const mine = this.hasher.lookupKey(MARKER_INPUT);
    // Another node may store its marker first: the one stored is the one compared.
    if (await this.settings.insertIfAbsent(MARKER_KEY, mine)) return;
    const stored = await this.settings.get(MARKER_KEY);
    if (stored !== mine) throw new PepperMismatchError();
  }
}
