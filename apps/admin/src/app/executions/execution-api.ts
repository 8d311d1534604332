import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Execution, ExecutionStatus, Page, ReplayAccepted } from '@triggerline/contracts';
import type { Observable } from 'rxjs';

export interface ExecutionQuery {
  triggerId: string | null;
  status: ExecutionStatus | null;
  cursor: string | null;
  limit: number;
}

@Injectable({ providedIn: 'root' })
export class ExecutionApi {
  private readonly http = inject(HttpClient);

  list(query: ExecutionQuery): Observable<Page<Execution>> {
    let params = new HttpParams().set('limit', query.limit);
    if (query.triggerId) {
      params = params.set('triggerId', query.triggerId);
    }
    if (query.status) {
      params = params.set('status', query.status);
    }
    if (query.cursor) {
      params = params.set('cursor', query.cursor);
    }
    return this.http.get<Page<Execution>>('/api/executions', { params });
  }

  get(id: string): Observable<Execution> {
    return this.http.get<Execution>(`/api/executions/${encodeURIComponent(id)}`);
  }

  replay(id: string): Observable<ReplayAccepted> {
    return this.http.post<ReplayAccepted>(`/api/executions/${encodeURIComponent(id)}/replay`, {});
  }
}
