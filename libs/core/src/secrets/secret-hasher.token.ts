export const SECRET_HASHER = Symbol('SecretHasher');
