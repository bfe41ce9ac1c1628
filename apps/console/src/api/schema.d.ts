// Generated from docs/openapi.json by `npm run openapi` (openapi-typescript): do not edit.
// The console calls the admin API through these types, so an API change that breaks it fails
// `npm run typecheck`; test/e2e/openapi-drift.e2e-spec.ts fails when this file is stale.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and database readiness */
        get: operations["HealthController_health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers; Redis reported when configured */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/rest/v1/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Submit a message; it is stored before the 202 */
        post: operations["MessagesController_send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/rest/v1/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A message submitted by this key’s account */
        get: operations["MessagesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Accounts the caller may see */
        get: operations["AccountsController_list"];
        put?: never;
        /** Create a master (root) or sub-account; a legacy master gets four credentials */
        post: operations["AccountsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/accounts/by-external-id/{externalId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Idempotent upsert by externalId: 201 when created, 200 when it existed */
        put: operations["AccountsController_upsert"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/accounts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AccountsController_get"];
        put?: never;
        post?: never;
        /** Delete with its credentials, groups and admin tokens; 409 while a master has sub-accounts */
        delete: operations["AccountsController_remove"];
        options?: never;
        head?: never;
        /** Rename, change externalId, suspend or reactivate */
        patch: operations["AccountsController_update"];
        trace?: never;
    };
    "/admin/v1/accounts/{id}/channels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** All five channels with whether each is active */
        get: operations["AccountsController_channels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/accounts/{accountId}/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an account’s credentials (filters: channel, q, enabled) */
        get: operations["CredentialsController_list"];
        put?: never;
        /** Issue a credential; its secret and postback signing secret are shown this once */
        post: operations["CredentialsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/credentials/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CredentialsController_get"];
        put?: never;
        post?: never;
        delete: operations["CredentialsController_remove"];
        options?: never;
        head?: never;
        /** Change settings; `enabled: false` blocks and ends open sessions */
        patch: operations["CredentialsController_update"];
        trace?: never;
    };
    "/admin/v1/credentials/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** New secret (shown once); the old one stops now unless graceSeconds is given */
        post: operations["CredentialsController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/credentials/{id}/avatar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CredentialsController_getAvatar"];
        /** Upload a PNG, JPEG or WebP avatar (≤ 256 KiB), identified by its content */
        put: operations["CredentialsController_putAvatar"];
        post?: never;
        delete: operations["CredentialsController_deleteAvatar"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/accounts/{accountId}/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupsController_list"];
        put?: never;
        post: operations["GroupsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/accounts/{accountId}/groups/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupsController_get"];
        put?: never;
        post?: never;
        delete: operations["GroupsController_remove"];
        options?: never;
        head?: never;
        patch: operations["GroupsController_update"];
        trace?: never;
    };
    "/admin/v1/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Bulk import of accounts and credentials (NDJSON, root only)
         * @description One ACCOUNT per line: `{"externalId", "name", "kind"?, "parentExternalId"?, "status"?, "createdAt"?, "credentials": [CREDENTIAL…]}`; a CREDENTIAL has the create-credential fields plus `secret` (plain, hashed on the way in) or `secretHash` (bcrypt `$2a$`/`$2b$`/`$2y$`). Keyed by externalId and by channel + username (by channel + name without a username), so a second run changes nothing; secrets of existing credentials are never changed. `?dryRun=true` checks every line and writes nothing. The answer streams NDJSON events as lines are handled: `refused` (line number and error), `issued` (generated secrets, shown once), `progress`, then one `summary` (or `error` if the import stopped).
         */
        post: operations["ImportController_import"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/accounts/{accountId}/admin-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AdminTokensController_list"];
        put?: never;
        /** Token that manages this account (and a master’s subs); shown once */
        post: operations["AdminTokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/admin-tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["AdminTokensController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/request-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Channel requests and login attempts, oldest first (tenant-scoped) */
        get: operations["LogsController_requests"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/audit-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who changed what, oldest first (tenant-scoped); never a secret */
        get: operations["LogsController_audit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/submissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Submissions the caller may see, oldest first */
        get: operations["SubmissionsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/submissions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One submission with its postback deliveries and their attempts */
        get: operations["SubmissionsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/submissions/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Delivery receipt from the delivery system (root token): delivered or failed */
        post: operations["SubmissionsController_event"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check a credential as a listener would; 200 whenever the request is well-formed
         * @description For gateways that keep their own listeners. Root: `ip` is the client's address and feeds the listeners' ban list. An admin token may only verify its own tenant's credentials: any other is `unknown_credential` without being verified, scored, logged or cached; its failures count against the token (429 `banned`).
         */
        post: operations["VerifyController_verify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AcceptedView: {
            id: string;
            /** @enum {string} */
            status: "accepted";
        };
        MessageView: {
            id: string;
            /** @enum {string} */
            status: "accepted" | "delivered" | "failed";
            to: string[];
            body: string;
            groups: string[];
            detail: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ErrorBodyView: {
            error: {
                code?: string;
                message?: string;
                details?: {
                    [key: string]: unknown;
                };
            };
        };
        CreateAccountDto: {
            /**
             * @description Trimmed; 1–100 Unicode code points (an emoji counts as one). No control or format characters (C0/C1 controls, line breaks, bidi overrides and marks, zero-width spaces; ZWJ/ZWNJ and emoji flag tags are allowed) and at least one visible character.
             * @example Acme Ltd
             */
            name: string;
            /**
             * @description Default: `sub` when `parentId` is given or an admin token calls, else `master`
             * @enum {string}
             */
            kind?: "master" | "sub";
            /** @description The master of a new sub-account */
            parentId?: string;
            /** @description Unique id from the provisioning system */
            externalId?: string | null;
            /**
             * @default active
             * @enum {string}
             */
            status?: "active" | "suspended";
            /**
             * Format: date-time
             * @description Root token only: import of an existing account
             */
            createdAt?: string;
        };
        AccountView: {
            id: string;
            /** @enum {string} */
            kind: "master" | "sub";
            parentId: string | null;
            name: string;
            externalId: string | null;
            /** @enum {string} */
            status: "active" | "suspended";
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        RateLimitView: {
            requests: number;
            perSeconds: number;
        };
        CredentialView: {
            id: string;
            accountId: string;
            /** @enum {string} */
            channel: "ftp" | "rest" | "http" | "webservice" | "email";
            name: string;
            username: string;
            enabled: boolean;
            /** Format: date-time */
            expiresAt: string | null;
            allowedCidrs: string[];
            postbackUrl: string | null;
            offTheRecord: boolean;
            /** @enum {string} */
            scope: "all" | "groups";
            /** @description Group slugs of a `groups`-scoped key */
            groups: string[];
            /** @description null: no limit */
            rateLimit: components["schemas"]["RateLimitView"] | null;
            hasAvatar: boolean;
            /** @description Last four characters of a generated secret; null for custom and imported secrets (passwords) */
            secretHint: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** Format: date-time */
            rotatedAt: string | null;
            /** Format: date-time */
            lastUsedAt: string | null;
        };
        IssuedCredentialView: {
            credential: components["schemas"]["CredentialView"];
            /** @description Shown once, never again (null for an imported hash) */
            secret: string | null;
            /** @description Key of the postback signatures; shown once, at create */
            postbackSigningSecret?: string;
        };
        CreatedAccountView: {
            account: components["schemas"]["AccountView"];
            /** @description The legacy channels, empty unless the legacy rule applies */
            credentials: components["schemas"]["IssuedCredentialView"][];
        };
        UpsertAccountDto: {
            /**
             * @description Trimmed; 1–100 Unicode code points (an emoji counts as one). No control or format characters (C0/C1 controls, line breaks, bidi overrides and marks, zero-width spaces; ZWJ/ZWNJ and emoji flag tags are allowed) and at least one visible character.
             * @example Acme Ltd
             */
            name: string;
            /**
             * @description Default: `sub` when `parentId` is given or an admin token calls, else `master`
             * @enum {string}
             */
            kind?: "master" | "sub";
            /** @description The master of a new sub-account */
            parentId?: string;
            /** @description Unique id from the provisioning system */
            externalId?: string | null;
            /**
             * @default active
             * @enum {string}
             */
            status?: "active" | "suspended";
            /**
             * Format: date-time
             * @description Root token only: import of an existing account
             */
            createdAt?: string;
        };
        UpdateAccountDto: {
            /** @description Trimmed; 1–100 Unicode code points (an emoji counts as one). No control or format characters (C0/C1 controls, line breaks, bidi overrides and marks, zero-width spaces; ZWJ/ZWNJ and emoji flag tags are allowed) and at least one visible character. */
            name?: string;
            externalId?: string | null;
            /**
             * @description Root, or the master of a sub-account
             * @enum {string}
             */
            status?: "active" | "suspended";
        };
        ChannelStateView: {
            /** @enum {string} */
            channel: "ftp" | "rest" | "http" | "webservice" | "email";
            active: boolean;
            credentials: number;
        };
        RateLimitDto: {
            /** @example 100 */
            requests: number;
            /** @example 60 */
            perSeconds: number;
        };
        CreateCredentialDto: {
            /**
             * @description `false` blocks the credential and ends its open sessions
             * @default true
             */
            enabled?: boolean;
            /** Format: date-time */
            expiresAt?: string | null;
            /**
             * @example [
             *       "203.0.113.0/24",
             *       "2001:db8::/32"
             *     ]
             */
            allowedCidrs?: string[];
            /** @example https://example.com/gatehouse/events */
            postbackUrl?: string | null;
            /**
             * @description Successful requests are not written to the request log
             * @default false
             */
            offTheRecord?: boolean;
            /**
             * @default all
             * @enum {string}
             */
            scope?: "all" | "groups";
            /** @description Group slugs; only with scope `groups` */
            groups?: string[];
            /** @description At most `requests` requests per `perSeconds` (a sliding window, shared by every node), on every listener: an HTTP request, a SOAP call, an FTP/SFTP login, an SMTP mail. Over it: HTTP 429 with Retry-After, a SOAP fault, FTP 421, SMTP 451. null = no limit */
            rateLimit?: components["schemas"]["RateLimitDto"] | null;
            /** @enum {string} */
            channel: "ftp" | "rest" | "http" | "webservice" | "email";
            /**
             * @description Trimmed; 1–100 Unicode code points (an emoji counts as one). No control or format characters (C0/C1 controls, line breaks, bidi overrides and marks, zero-width spaces; ZWJ/ZWNJ and emoji flag tags are allowed) and at least one visible character.
             * @example Billing system
             */
            name: string;
            /** @description Custom login id (not on `rest`): 3–64 of `A-Za-z0-9._@+-` */
            username?: string;
            /** @description Custom secret (not on `rest`), 12–128 characters; omitted = generated */
            secret?: string;
            /** @description Imported bcrypt hash (`$2a$`/`$2b$`/`$2y$`) instead of a secret (not on `rest`) */
            secretHash?: string;
        };
        UpdateCredentialDto: {
            /**
             * @description `false` blocks the credential and ends its open sessions
             * @default true
             */
            enabled?: boolean;
            /** Format: date-time */
            expiresAt?: string | null;
            /**
             * @example [
             *       "203.0.113.0/24",
             *       "2001:db8::/32"
             *     ]
             */
            allowedCidrs?: string[];
            /** @example https://example.com/gatehouse/events */
            postbackUrl?: string | null;
            /**
             * @description Successful requests are not written to the request log
             * @default false
             */
            offTheRecord?: boolean;
            /**
             * @default all
             * @enum {string}
             */
            scope?: "all" | "groups";
            /** @description Group slugs; only with scope `groups` */
            groups?: string[];
            /** @description At most `requests` requests per `perSeconds` (a sliding window, shared by every node), on every listener: an HTTP request, a SOAP call, an FTP/SFTP login, an SMTP mail. Over it: HTTP 429 with Retry-After, a SOAP fault, FTP 421, SMTP 451. null = no limit */
            rateLimit?: components["schemas"]["RateLimitDto"] | null;
            /** @description Trimmed; 1–100 Unicode code points (an emoji counts as one). No control or format characters (C0/C1 controls, line breaks, bidi overrides and marks, zero-width spaces; ZWJ/ZWNJ and emoji flag tags are allowed) and at least one visible character. */
            name?: string;
        };
        RotateCredentialDto: {
            /** @description Custom new secret (not on `rest`); omitted = generated */
            secret?: string;
            /** @description New username (not on `rest`); takes effect at once, grace or not */
            username?: string;
            /**
             * @description How long the old secret keeps working
             * @default 0
             */
            graceSeconds?: number;
        };
        CreateGroupDto: {
            /** @example vip-customers */
            slug: string;
            /**
             * @description Trimmed; 1–100 Unicode code points (an emoji counts as one). No control or format characters (C0/C1 controls, line breaks, bidi overrides and marks, zero-width spaces; ZWJ/ZWNJ and emoji flag tags are allowed) and at least one visible character.
             * @example VIP customers
             */
            name: string;
        };
        GroupView: {
            id: string;
            accountId: string;
            slug: string;
            name: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        UpdateGroupDto: {
            slug?: string;
            /** @description Trimmed; 1–100 Unicode code points (an emoji counts as one). No control or format characters (C0/C1 controls, line breaks, bidi overrides and marks, zero-width spaces; ZWJ/ZWNJ and emoji flag tags are allowed) and at least one visible character. */
            name?: string;
        };
        CreateAdminTokenDto: {
            /**
             * @description Trimmed; 1–100 Unicode code points (an emoji counts as one). No control or format characters (C0/C1 controls, line breaks, bidi overrides and marks, zero-width spaces; ZWJ/ZWNJ and emoji flag tags are allowed) and at least one visible character.
             * @example provisioning script
             */
            name: string;
        };
        AdminTokenView: {
            id: string;
            accountId: string;
            name: string;
            tokenHint: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            lastUsedAt: string | null;
        };
        CreatedAdminTokenView: {
            adminToken: components["schemas"]["AdminTokenView"];
            /** @description Shown once, never again */
            token: string;
        };
        RequestLogView: {
            id: string;
            /** Format: date-time */
            at: string;
            /** @enum {string} */
            channel: "ftp" | "rest" | "http" | "webservice" | "email";
            credentialId: string | null;
            accountId: string | null;
            username: string | null;
            peer: string;
            /** @enum {string} */
            operation: "admin.verify" | "rest.POST /rest/v1/messages" | "rest.GET /rest/v1/messages/:id" | "http.send" | "soap.SendMessage" | "soap.GetMessageStatus" | "ftp.login" | "ftp.STOR" | "sftp.login" | "sftp.WRITE" | "file.batch" | "smtp.AUTH" | "smtp.DATA";
            /** @enum {string} */
            outcome: "ok" | "unknown_credential" | "bad_secret" | "disabled" | "expired" | "account_suspended" | "ip_not_allowed" | "banned" | "rate_limited" | "validation_failed" | "invalid_json" | "payload_too_large" | "unsupported_media_type" | "scope_violation" | "unknown_group" | "not_found" | "method_not_allowed" | "internal_error" | "rejected";
            status: string;
            durationMs: number;
            /** @description Refusals this row stands for: a banned peer's are folded into one row a minute */
            count: number;
        };
        AuditLogView: {
            id: string;
            /** Format: date-time */
            at: string;
            /** @enum {string} */
            actorType: "root" | "admin_token";
            /** @description `root` or the admin token id */
            actorId: string;
            actorAccountId: string | null;
            accountId: string | null;
            /** @example credential.rotate */
            action: string;
            /** @enum {string} */
            targetType: "account" | "credential" | "group" | "admin_token";
            targetId: string;
            peer: string;
            details: {
                [key: string]: unknown;
            };
        };
        SubmissionView: {
            id: string;
            accountId: string;
            credentialId: string;
            /** @enum {string} */
            channel: "ftp" | "rest" | "http" | "webservice" | "email";
            to: string[];
            body: string;
            groups: string[];
            /** @enum {string} */
            status: "accepted" | "delivered" | "failed";
            detail: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        PostbackDeliveryView: {
            id: string;
            /** @enum {string} */
            event: "submission.accepted" | "submission.delivered" | "submission.failed";
            url: string;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            attempts: number;
            /** Format: date-time */
            nextAttemptAt: string;
            /** Format: date-time */
            lastAttemptAt: string | null;
            /** @description HTTP status or error code of the last attempt */
            lastResult: string | null;
            /** Format: date-time */
            deliveredAt: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        SubmissionDetailView: {
            id: string;
            accountId: string;
            credentialId: string;
            /** @enum {string} */
            channel: "ftp" | "rest" | "http" | "webservice" | "email";
            to: string[];
            body: string;
            groups: string[];
            /** @enum {string} */
            status: "accepted" | "delivered" | "failed";
            detail: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Postback deliveries of this submission, with attempts */
            postbacks: components["schemas"]["PostbackDeliveryView"][];
        };
        SubmissionEventDto: {
            /** @enum {string} */
            type: "delivered" | "failed";
            /** @description Provider reference or failure reason */
            detail?: string | null;
        };
        VerifyDto: {
            /** @enum {string} */
            channel: "ftp" | "rest" | "http" | "webservice" | "email";
            /** @description Omit for a bare bearer key */
            username?: string;
            secret: string;
            /**
             * @description The client's address as the gateway saw it
             * @example 203.0.113.7
             */
            ip: string;
        };
        VerifyResultView: {
            valid: boolean;
            /** @description The authenticator's failure code, e.g. `ip_not_allowed` */
            reason?: string;
            credentialId?: string;
            accountId?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `{"status":"ok","database":"ok"}` (and `"redis"` with REDIS_URL) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The database does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `{"status":"ok","database":"ok","redis":"ok"}` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The database does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `{"status":"ok"}` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MessagesController_send: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Recipients (E.164 or digits); optional when target.groups names groups
                     * @example [
                     *       "+447700900123"
                     *     ]
                     */
                    to?: string[] | null;
                    /**
                     * @description The text, at most 4096 characters
                     * @example Your code is 123456
                     */
                    body: string;
                    target?: {
                        /** @description Recipient group slugs */
                        groups?: string[] | null;
                    } | null;
                };
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedView"];
                };
            };
            /** @description No key, or a wrong/expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description ip_not_allowed, credential_disabled, account_suspended or scope_violation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description unknown_group */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description banned after failed logins; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MessagesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageView"];
                };
            };
            /** @description No key, or a wrong/expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description ip_not_allowed, credential_disabled, account_suspended or scope_violation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description banned after failed logins; see Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AccountsController_list: {
        parameters: {
            query?: {
                /** @description Opaque cursor: `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
                kind?: "master" | "sub";
                parentId?: string;
                status?: "active" | "suspended";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AccountView"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    AccountsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateAccountDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedAccountView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    AccountsController_upsert: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                externalId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpsertAccountDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedAccountView"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedAccountView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    AccountsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    AccountsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    AccountsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateAccountDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    AccountsController_channels: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data?: components["schemas"]["ChannelStateView"][];
                    };
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    CredentialsController_list: {
        parameters: {
            query?: {
                /** @description Opaque cursor: `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
                channel?: "ftp" | "rest" | "http" | "webservice" | "email";
                /** @description Name contains (case-insensitive) */
                q?: string;
                enabled?: "true" | "false";
            };
            header?: never;
            path: {
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["CredentialView"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    CredentialsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                accountId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCredentialDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedCredentialView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description username_taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description unknown_group */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    CredentialsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CredentialView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    CredentialsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    CredentialsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateCredentialDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CredentialView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    CredentialsController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateCredentialDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedCredentialView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    CredentialsController_getAvatar: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/png": string;
                    "image/jpeg": string;
                    "image/webp": string;
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    CredentialsController_putAvatar: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "image/png": string;
                "image/jpeg": string;
                "image/webp": string;
                "application/octet-stream": string;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CredentialView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    CredentialsController_deleteAvatar: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    GroupsController_list: {
        parameters: {
            query?: {
                /** @description Opaque cursor: `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["GroupView"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    GroupsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                accountId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateGroupDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description slug_taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    GroupsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                accountId: string;
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    GroupsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                accountId: string;
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description group_in_use: a credential is scoped to it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    GroupsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                accountId: string;
                slug: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateGroupDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    ImportController_import: {
        parameters: {
            query?: {
                /** @description Check every line; write nothing */
                dryRun?: "true" | "false";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-ndjson": string;
            };
        };
        responses: {
            /** @description NDJSON events, the last one `{"type":"summary",…}` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not the root token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    AdminTokensController_list: {
        parameters: {
            query?: {
                /** @description Opaque cursor: `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AdminTokenView"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    AdminTokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                accountId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateAdminTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedAdminTokenView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    AdminTokensController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    LogsController_requests: {
        parameters: {
            query?: {
                /** @description Opaque cursor: `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
                from?: string;
                to?: string;
                accountId?: string;
                credentialId?: string;
                channel?: "ftp" | "rest" | "http" | "webservice" | "email";
                /** @description `ok`; a login failure (`bad_secret`, `banned`…); an error an admitted request ended with (`validation_failed`, `scope_violation`…); or `rejected` for any other refusal after login */
                outcome?: "ok" | "unknown_credential" | "bad_secret" | "disabled" | "expired" | "account_suspended" | "ip_not_allowed" | "banned" | "rate_limited" | "validation_failed" | "invalid_json" | "payload_too_large" | "unsupported_media_type" | "scope_violation" | "unknown_group" | "not_found" | "method_not_allowed" | "internal_error" | "rejected";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["RequestLogView"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    LogsController_audit: {
        parameters: {
            query?: {
                /** @description Opaque cursor: `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
                from?: string;
                to?: string;
                accountId?: string;
                /** @description Id of the changed account, credential, group or admin token */
                targetId?: string;
                action?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AuditLogView"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    SubmissionsController_list: {
        parameters: {
            query?: {
                /** @description Opaque cursor: `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
                accountId?: string;
                credentialId?: string;
                channel?: "ftp" | "rest" | "http" | "webservice" | "email";
                status?: "accepted" | "delivered" | "failed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SubmissionView"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    SubmissionsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmissionDetailView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    SubmissionsController_event: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SubmissionEventDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmissionView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Only the root token posts receipts */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description submission_final: already delivered/failed otherwise */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
    VerifyController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VerifyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerifyResultView"];
                };
            };
            /** @description Validation failed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description No or bad token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description Not found, or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
            /** @description An admin token with too many failed verifies */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyView"];
                };
            };
        };
    };
}
