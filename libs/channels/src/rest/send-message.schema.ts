import type { JSONSchemaType } from 'ajv';
import { MAX_RECIPIENTS } from '@gatehouse/core';

/** `POST /rest/v1/messages`: what a client may send. The core checks recipients and the body's length. */
export interface SendMessageBody {
  to?: string[];
  body: string;
  target?: { groups?: string[] };
}

/** Validation and the OpenAPI document both read this one schema. */
export const SEND_MESSAGE_SCHEMA: JSONSchemaType<SendMessageBody> = {
  type: 'object',
  additionalProperties: false,
  required: ['body'],
  properties: {
    to: {
      type: 'array',
      nullable: true,
      maxItems: MAX_RECIPIENTS,
      items: { type: 'string', maxLength: 64 },
      description: 'Recipients (E.164 or digits); optional when target.groups names groups',
      example: ['+447700900123'],
    },
    body: {
      type: 'string',
      maxLength: 100_000,
      description: 'The text, at most 4096 characters',
      example: 'Your code is 123456',
    },
    target: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: [],
      properties: {
        groups: {
          type: 'array',
          nullable: true,
          maxItems: 100,
          items: { type: 'string', maxLength: 63 },
          description: 'Recipient group slugs',
        },
      },
    },
  },
};
