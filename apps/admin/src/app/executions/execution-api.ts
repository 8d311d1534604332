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
    let params = new HttpParams().set('limit', query.limit);
    if (query.triggerId) {
      params = params.set('triggerId', query.triggerId);
    }
    if (query.status) {
      params = params.set('status', query.status);
    }
    for (const name of ['idempotencyKey', 'from', 'to'] as const) {
      const value = query[name];
      if (value) {
        params = params.set(name, value);
      }
    }
    if (query.cursor) {
      params = params.set('cursor', query.cursor);
    }
    return this.http.get<Page<Execution>>('/api/executions', { params });
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
