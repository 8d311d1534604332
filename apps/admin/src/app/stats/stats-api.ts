import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Stats } from '@triggerline/contracts';
import type { Observable } from 'rxjs';

export const STATS_WINDOWS = [1, 7, 30, 90] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

@Injectable({ providedIn: 'root' })
export class StatsApi {
  private readonly http = inject(HttpClient);

  /** With `token`, as that token rather than the session's: the login checks it this way. */
  get(days: StatsWindow, token?: string): Observable<Stats> {
    return this.http.get<Stats>('/api/stats', {
      params: new HttpParams().set('days', days),
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    });
  }
}
