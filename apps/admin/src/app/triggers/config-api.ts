import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { ApplyConfigRequest, ConfigDocument, ConfigPlan } from '@triggerline/contracts';
import type { Observable } from 'rxjs';

/** Configuration as code (SPEC §18): the whole set of triggers as one document. */
@Injectable({ providedIn: 'root' })
export class ConfigApi {
  private readonly http = inject(HttpClient);

  export(): Observable<ConfigDocument> {
    return this.http.get<ConfigDocument>('/api/config');
  }

  apply(request: ApplyConfigRequest): Observable<ConfigPlan> {
    return this.http.post<ConfigPlan>('/api/config', request);
  }
}
