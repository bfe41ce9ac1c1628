import { Injectable } from '@nestjs/common';
import type { IServices } from 'soap';
import { AuthenticatedCredential, ChannelGate, SubmissionService } from '@gatehouse/core';
import { setErrorCode } from '@gatehouse/platform/http';
import { finishWhenAnswered } from '../shared/http-channel-request';
import { httpAuthFailure } from '../shared/http-auth-failure';
import { SoapOperation } from './messaging.wsdl';
import { soapLogin } from './soap-credentials';
import { SOAP_FAULT_STATUS, SoapFault, toSoapFault } from './soap-fault';
import { SoapExchange } from './soap-exchange';
import { SoapFields } from './soap-fields';

interface SendMessageResult {
  submissionId: string;
  status: string;
}

interface MessageStatusResult {
  submissionId: string;
  status: string;
  detail?: string;
  createdAt: string;
  updatedAt: string;
}

/** The answer `soap` is writing; headers set here go out with it. */
interface SoapResponse {
  setHeader(name: string, value: string): void;
}

/** Every refusal is a fault answered with 500, and the request log says so. */
const faultStatus = (): string => String(SOAP_FAULT_STATUS);

/**
 * The `webservice` channel's operations (see messaging.wsdl.ts). Each request authenticates on
 * its own, with the request elements or a WS-Security UsernameToken, and is logged once with
 * its final status. Failures reject with a SoapFault, which the `soap` package writes.
 */
@Injectable()
export class MessagingSoapService {
  constructor(
    private readonly gate: ChannelGate,
    private readonly submissions: SubmissionService,
  ) {}

  /** The tree the `soap` server dispatches on: service → port → operation (names from the WSDL). */
  services(): IServices {
    return {
      MessagingService: {
        MessagingPort: {
          SendMessage: (args: unknown, _callback: unknown, header: unknown, req: unknown, res: SoapResponse) =>
            this.run(SoapExchange.of(req), res, (exchange) => this.sendMessage(SoapFields.of(args), header, exchange)),
          GetMessageStatus: (args: unknown, _callback: unknown, header: unknown, req: unknown, res: SoapResponse) =>
            this.run(SoapExchange.of(req), res, (exchange) =>
              this.getMessageStatus(SoapFields.of(args), header, exchange),
            ),
        },
      },
    };
  }

  private async sendMessage(fields: SoapFields, header: unknown, exchange: SoapExchange): Promise<SendMessageResult> {
    const key = await this.authenticate('SendMessage', fields, header, exchange);
    const body = fields.text('body');
    if (body === undefined) throw SoapFault.client('validation_failed', 'body: is required');
    const submission = await this.submissions.submit(key, {
      to: fields.list('to'),
      body,
      groups: fields.list('groups'),
    });
    return { submissionId: submission.id, status: submission.status };
  }

  private async getMessageStatus(
    fields: SoapFields,
    header: unknown,
    exchange: SoapExchange,
  ): Promise<MessageStatusResult> {
    const key = await this.authenticate('GetMessageStatus', fields, header, exchange);
    const id = fields.text('submissionId')?.trim();
    if (!id) throw SoapFault.client('validation_failed', 'submissionId: is required');
    const s = await this.submissions.getForKey(key, id);
    return {
      submissionId: s.id,
      status: s.status,
      ...(s.detail === null ? {} : { detail: s.detail }),
      // ISO strings: the `soap` serialiser writes Date objects as empty elements.
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }

  private async authenticate(
    operation: SoapOperation,
    fields: SoapFields,
    header: unknown,
    exchange: SoapExchange,
  ): Promise<AuthenticatedCredential> {
    const login = soapLogin(fields, header);
    const admission = await this.gate.admit({
      channel: 'webservice',
      username: login.username,
      secret: login.password,
      peer: exchange.remoteAddress,
      operation: `soap.${operation}`,
      refusalStatus: faultStatus,
    });
    if (!admission.ok) {
      const { reason, retryAfterSeconds } = admission.refusal;
      const failure = httpAuthFailure(reason);
      if (reason !== 'banned' && reason !== 'rate_limited') throw SoapFault.client(failure.code, failure.message);
      const retry = retryAfterSeconds ?? 60;
      throw SoapFault.client(failure.code, failure.message, {
        retryAfterSeconds: retry,
        headers: { 'Retry-After': String(retry) },
      });
    }
    finishWhenAnswered(admission.request, exchange.response);
    return admission.key;
  }

  /** Turns any failure into a fault, with its headers and its code for the request log. */
  private async run<T>(
    exchange: SoapExchange,
    res: SoapResponse,
    operation: (exchange: SoapExchange) => Promise<T>,
  ): Promise<T> {
    try {
      return await operation(exchange);
    } catch (err) {
      const fault = toSoapFault(err, false, exchange.response);
      setErrorCode(exchange.response, fault.code);
      for (const [name, value] of Object.entries(fault.headers)) res.setHeader(name, value);
      throw fault;
    }
  }
}
