import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  ConfirmDeliveryRequest,
  EraseExecutionsRequest,
  EraseExecutionsResult,
  Execution,
  ExecutionStatus,
  Page,
  ReplayAccepted,
  ReplayPreview,
} from '@triggerline/contracts';
import type { Observable } from 'rxjs';

/** The list's filters, without its paging. */
export type ExecutionFilters = Omit<ExecutionQuery, 'cursor' | 'limit'>;

export interface ExecutionQuery {
  triggerId: string | null;
  status: ExecutionStatus | null;
  /** Exact idempotency key, across triggers. */
  idempotencyKey: string | null;
  /** ISO-8601 bounds on createdAt: from inclusive, to exclusive. */
  from: string | null;
  to: string | null;
  cursor: string | null;
  limit: number;
}

@Injectable({ providedIn: 'root' })
export class ExecutionApi {
  private readonly http = inject(HttpClient);

  list(query: ExecutionQuery): Observable<Page<Execution>> {
    let params = filterParams(query).set('limit', query.limit);
    if (query.cursor) {
      params = params.set('cursor', query.cursor);
    }
    return this.http.get<Page<Execution>>('/api/executions', { params });
  }

  /** Every execution the filters match, with payloads, as NDJSON (SPEC §18). */
  export(filters: ExecutionFilters): Observable<Blob> {
    return this.http.get('/api/executions/export', {
      params: filterParams(filters),
      responseType: 'blob',
    });
  }

  get(id: string): Observable<Execution> {
    return this.http.get<Execution>(`/api/executions/${encodeURIComponent(id)}`);
  }

  /** What a replay would send now, built by the worker's own request builder. */
  replayPreview(id: string): Observable<ReplayPreview> {
    return this.http.get<ReplayPreview>(`/api/executions/${encodeURIComponent(id)}/replay-preview`);
  }

  replay(id: string): Observable<ReplayAccepted> {
    return this.http.post<ReplayAccepted>(`/api/executions/${encodeURIComponent(id)}/replay`, {});
  }

  /** Settles an outcome_unknown execution: delivered → succeeded, not → a dead letter. */
  confirm(id: string, body: ConfirmDeliveryRequest): Observable<Execution> {
    return this.http.post<Execution>(`/api/executions/${encodeURIComponent(id)}/confirm`, body);
  }

  erase(request: EraseExecutionsRequest): Observable<EraseExecutionsResult> {
    return this.http.post<EraseExecutionsResult>('/api/executions/erase', request);
  }
}

function filterParams(filters: ExecutionFilters): HttpParams {
  let params = new HttpParams();
  for (const name of ['triggerId', 'status', 'idempotencyKey', 'from', 'to'] as const) {
    const value = filters[name];
    if (value) {
      params = params.set(name, value);
    }
  }
  return params;
}
