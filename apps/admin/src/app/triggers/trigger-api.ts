import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Trigger, TriggerList } from '@triggerline/contracts';
import { map, type Observable } from 'rxjs';

/** What the console sends to create or change a trigger (write-only fields included). */
export type TriggerBody = Record<string, unknown>;

@Injectable({ providedIn: 'root' })
export class TriggerApi {
  private readonly http = inject(HttpClient);

  list(): Observable<Trigger[]> {
    return this.http.get<TriggerList>('/api/triggers').pipe(map((list) => list.items));
  }

  get(id: string): Observable<Trigger> {
    return this.http.get<Trigger>(`/api/triggers/${encodeURIComponent(id)}`);
  }

  create(body: TriggerBody): Observable<Trigger> {
    return this.http.post<Trigger>('/api/triggers', body);
  }

  update(id: string, body: TriggerBody): Observable<Trigger> {
    return this.http.patch<Trigger>(`/api/triggers/${encodeURIComponent(id)}`, body);
  }

  remove(id: string): Observable<void> {
    return this.http.delete<void>(`/api/triggers/${encodeURIComponent(id)}`);
  }
}
