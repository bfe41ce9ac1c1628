import { useEffect, useState } from 'react';
import { api, type Credential } from '../api/client';

/**
 * Avatars are behind the admin token, so an <img src> cannot fetch them: each is fetched once
 * (with the token) and shown from a blob: URL (the CSP allows img-src blob:). Only rows on the
 * screen ask, and the newest few hundred are kept.
 */
const MAX_CACHED = 300;
const cache = new Map<string, Promise<string | null>>();

function avatarUrl(credential: Credential): Promise<string | null> {
  const key = `${credential.id}@${credential.updatedAt}`;
  let url = cache.get(key);
  if (!url) {
    url = api
      .GET('/admin/v1/credentials/{id}/avatar', { params: { path: { id: credential.id } }, parseAs: 'blob' })
      .then(({ data, response }) => (response.ok && data ? URL.createObjectURL(data) : null))
      .catch(() => null);
    cache.set(key, url);
    while (cache.size > MAX_CACHED) {
      const [oldest, old] = cache.entries().next().value as [string, Promise<string | null>];
      cache.delete(oldest);
      void old.then((u) => u && URL.revokeObjectURL(u));
    }
  }
  return url;
}

/** Forgets every avatar (sign out). */
export function clearAvatarCache(): void {
  for (const url of cache.values()) void url.then((u) => u && URL.revokeObjectURL(u));
  cache.clear();
}

const HUES = [210, 160, 280, 30, 340, 190, 120, 250];

function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[1]!] : [name.trim()];
  return letters
    .map((w) => Array.from(w)[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

function hueOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return HUES[h % HUES.length]!;
}

/** The key's picture (or its initials) with a red dot when the key is blocked. */
export function KeyAvatar({ credential }: { credential: Credential }) {
  const key = `${credential.id}@${credential.updatedAt}`;
  const [loaded, setLoaded] = useState<{ key: string; url: string | null } | null>(null);
  useEffect(() => {
    if (!credential.hasAvatar) return;
    let live = true;
    void avatarUrl(credential).then((url) => {
      if (live) setLoaded({ key, url });
    });
    return () => {
      live = false;
    };
  }, [credential, key]);
  const url = credential.hasAvatar && loaded?.key === key ? loaded.url : null;
  return (
    <span className={`avatar hue-${hueOf(credential.id)}`} data-blocked={credential.enabled ? undefined : 'true'}>
      {url ? (
        <img src={url} alt="" className="avatar-img" data-testid="avatar-img" />
      ) : (
        <span className="avatar-initials" aria-hidden="true">
          {initialsOf(credential.name)}
        </span>
      )}
      {!credential.enabled && <span className="avatar-dot" title="Blocked" aria-hidden="true" data-testid="red-dot" />}
    </span>
  );
}
