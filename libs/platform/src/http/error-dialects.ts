import { Injectable } from '@nestjs/common';
import type { AnyReply } from '../http/http-reply';

/**
 * How the APIs under a path word their failures. The JSON error shape is the default; a
 * channel with a dialect of its own (HTTP text `ERR …`, SOAP faults) registers it here, so
 * every failure under its path — from its handler, its body parser or the router — is
 * answered in its words.
 */
export interface ErrorDialect {
  name: string;
  /** Gets the request path lower-cased and without its query (see pathOf). */
  matches(path: string): boolean;
  send(reply: AnyReply, exception: unknown): void;
}

@Injectable()
export class ErrorDialects {
  private readonly dialects: ErrorDialect[] = [];

  register(dialect: ErrorDialect): void {
    this.dialects.push(dialect);
  }

  forPath(path: string): ErrorDialect | undefined {
    return this.dialects.find((d) => d.matches(path));
  }
}
