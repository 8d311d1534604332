import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Caller } from '@triggerline/contracts';
import type { Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class MeApi {
  private readonly http = inject(HttpClient);

  /** Who `token` is; any valid token may ask. The login checks a token this way. */
  get(token: string): Observable<Caller> {
    return this.http.get<Caller>('/api/me', { headers: { Authorization: `Bearer ${token}` } });
  }
}
