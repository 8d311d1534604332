import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  ApiTokenList,
  AuditEntry,
  AuditLogQuery,
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

  /** Newest first; filters left undefined or empty are not sent. */
  audit(query: AuditLogQuery): Observable<Page<AuditEntry>> {
    let params = new HttpParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') {
        params = params.set(name, value as string | number);
      }
    }
    return this.http.get<Page<AuditEntry>>('/api/audit', { params });
  }
}
