import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { FlowGroup, FlowGroupList, PutFlowGroupRequest } from '@triggerline/contracts';
import type { Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class FlowGroupApi {
  private readonly http = inject(HttpClient);

  list(): Observable<FlowGroupList> {
    return this.http.get<FlowGroupList>('/api/flow-groups');
  }

  put(name: string, request: PutFlowGroupRequest): Observable<FlowGroup> {
    return this.http.put<FlowGroup>(`/api/flow-groups/${encodeURIComponent(name)}`, request);
  }

  remove(name: string): Observable<void> {
    return this.http.delete<void>(`/api/flow-groups/${encodeURIComponent(name)}`);
  }
}
