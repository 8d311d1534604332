import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  ApiTokenList,
  AuditEntry,
  CreateApiTokenRequest,
  CreatedApiToken,
  Page,
} from '@triggerline/contracts';
import type { Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class AccessApi {
  private readonly http = inject(HttpClient);

  listTokens(): Observable<ApiTokenList> {
    return this.http.get<ApiTokenList>('/api/tokens');
  }

  createToken(request: CreateApiTokenRequest): Observable<CreatedApiToken> {
    return this.http.post<CreatedApiToken>('/api/tokens', request);
  }

  revokeToken(id: string): Observable<void> {
    return this.http.delete<void>(`/api/tokens/${id}`);
  }

  audit(query: { cursor: string | null; limit: number }): Observable<Page<AuditEntry>> {
    let params = new HttpParams().set('limit', query.limit);
    if (query.cursor !== null) {
      params = params.set('cursor', query.cursor);
    }
    return this.http.get<Page<AuditEntry>>('/api/audit', { params });
  }
}
