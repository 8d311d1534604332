import { computed, Injectable, signal } from '@angular/core';
import { type AccessRole, type Caller, hasRole } from '@triggerline/contracts';

const STORAGE_KEY = 'triggerline.session';

interface StoredSession {
  token: string;
  caller: Caller;
}

/**
 * The bearer token and who it is (`GET /api/me`), kept in sessionStorage: they live as long
 * as the browser tab. The role only decides what the console shows; the API enforces it.
 */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly stored = signal<StoredSession | null>(readStoredSession());

  readonly token = computed(() => this.stored()?.token ?? null);
  readonly caller = computed(() => this.stored()?.caller ?? null);
  readonly isSignedIn = computed(() => this.stored() !== null);
  /** Replay, resolve, bulk replay. */
  readonly canOperate = computed(() => this.may('operator'));
  /** Triggers, tokens, the audit log. */
  readonly isAdmin = computed(() => this.may('admin'));

  signIn(token: string, caller: Caller): void {
    const session = { token, caller };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    this.stored.set(session);
  }

  signOut(): void {
    sessionStorage.removeItem(STORAGE_KEY);
    this.stored.set(null);
  }

  may(role: AccessRole): boolean {
    const caller = this.stored()?.caller;
    return caller !== undefined && hasRole(caller.role, role);
  }
}

function readStoredSession(): StoredSession | null {
  try {
    const text = sessionStorage.getItem(STORAGE_KEY);
    return text === null ? null : (JSON.parse(text) as StoredSession);
  } catch {
    return null;
  }
}
