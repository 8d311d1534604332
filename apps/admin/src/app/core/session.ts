import { computed, Injectable, signal } from '@angular/core';

const STORAGE_KEY = 'triggerline.adminToken';

/** The admin token, kept in sessionStorage: it lives as long as the browser tab. */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly storedToken = signal<string | null>(readStoredToken());

  readonly token = this.storedToken.asReadonly();
  readonly isSignedIn = computed(() => this.storedToken() !== null);

  signIn(token: string): void {
    sessionStorage.setItem(STORAGE_KEY, token);
    this.storedToken.set(token);
  }

  signOut(): void {
    sessionStorage.removeItem(STORAGE_KEY);
    this.storedToken.set(null);
  }
}

function readStoredToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
