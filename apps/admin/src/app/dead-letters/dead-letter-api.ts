import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  BulkReplayRequest,
  BulkReplayResult,
  DeadLetter,
  ErrorCategory,
  ManualResolution,
  Page,
  ReplayAccepted,
  ResolveDeadLetterRequest,
} from '@triggerline/contracts';
import type { Observable } from 'rxjs';

export interface DeadLetterQuery {
  unresolvedOnly: boolean;
  triggerId: string | null;
  errorCategory: ErrorCategory | null;
  /** ISO-8601 bounds on when it was dead-lettered: from inclusive, to exclusive. */
  from: string | null;
  to: string | null;
  cursor: string | null;
  limit: number;
}

@Injectable({ providedIn: 'root' })
export class DeadLetterApi {
  private readonly http = inject(HttpClient);

  /** Unresolved dead letters always come first. */
  list(query: DeadLetterQuery): Observable<Page<DeadLetter>> {
    let params = new HttpParams().set('limit', query.limit);
    if (query.unresolvedOnly) {
      params = params.set('unresolved', 'true');
    }
    for (const name of ['triggerId', 'errorCategory', 'from', 'to'] as const) {
      const value = query[name];
      if (value) {
        params = params.set(name, value);
      }
    }
    if (query.cursor) {
      params = params.set('cursor', query.cursor);
    }
    return this.http.get<Page<DeadLetter>>('/api/dead-letters', { params });
  }

  get(id: string): Observable<DeadLetter> {
    return this.http.get<DeadLetter>(`/api/dead-letters/${encodeURIComponent(id)}`);
  }

  resolve(id: string, resolution: ManualResolution, note: string | null): Observable<DeadLetter> {
    const body: ResolveDeadLetterRequest = note ? { resolution, note } : { resolution };
    return this.http.post<DeadLetter>(`/api/dead-letters/${encodeURIComponent(id)}/resolve`, body);
  }

  replay(id: string): Observable<ReplayAccepted> {
    return this.http.post<ReplayAccepted>(`/api/dead-letters/${encodeURIComponent(id)}/replay`, {});
  }

  bulkReplay(request: BulkReplayRequest): Observable<BulkReplayResult> {
    return this.http.post<BulkReplayResult>('/api/dead-letters/replay', request);
  }
}
