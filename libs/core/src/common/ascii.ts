/**
 * Lower-cases A–Z only. Usernames and external ids are case-insensitive in ASCII alone:
 * `String.prototype.toLowerCase` folds Unicode too, so the Kelvin sign (U+212A) would become
 * `k` and log in as someone else's username.
 */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}
