import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  Page,
  Rejection,
  RejectionDetail,
  RejectionReason,
  RejectionRetryResult,
} from '@triggerline/contracts';
import type { Observable } from 'rxjs';

/** `GET /api/rejections` filters; undefined ones are not sent. */
export interface RejectionQuery {
  triggerId?: string;
  reason?: RejectionReason;
  /** ISO-8601 bounds on receivedAt: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

@Injectable({ providedIn: 'root' })
export class RejectionApi {
  private readonly http = inject(HttpClient);

  /** Newest first. */
  list(query: RejectionQuery): Observable<Page<Rejection>> {
    let params = new HttpParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) {
        params = params.set(name, value as string | number);
      }
    }
    return this.http.get<Page<Rejection>>('/api/rejections', { params });
  }

  get(id: string): Observable<RejectionDetail> {
    return this.http.get<RejectionDetail>(`/api/rejections/${encodeURIComponent(id)}`);
  }

  /** Runs the stored request through the pipeline again; answers what a sender would get. */
  retry(id: string): Observable<RejectionRetryResult> {
    return this.http.post<RejectionRetryResult>(
      `/api/rejections/${encodeURIComponent(id)}/retry`,
      {},
    );
  }
}
