import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { CreateRedriveRequest, Redrive, RedriveList } from '@triggerline/contracts';
import { map, type Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class RedriveApi {
  private readonly http = inject(HttpClient);

  create(request: CreateRedriveRequest): Observable<Redrive> {
    return this.http.post<Redrive>('/api/redrives', request);
  }

  get(id: string): Observable<Redrive> {
    return this.http.get<Redrive>(`/api/redrives/${encodeURIComponent(id)}`);
  }

  recent(limit: number): Observable<Redrive[]> {
    const params = new HttpParams().set('limit', limit);
    return this.http.get<RedriveList>('/api/redrives', { params }).pipe(map((list) => list.items));
  }

  cancel(id: string): Observable<Redrive> {
    return this.http.post<Redrive>(`/api/redrives/${encodeURIComponent(id)}/cancel`, {});
  }
}
