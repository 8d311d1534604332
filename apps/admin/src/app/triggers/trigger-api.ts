import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  CreateTriggerRequest,
  FilterTestRequest,
  FilterTestResult,
  RouterHealth,
  RouteTestRequest,
  RouteTestResult,
  Trigger,
  TriggerList,
  UpdateTriggerRequest,
} from '@triggerline/contracts';
import { map, type Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class TriggerApi {
  private readonly http = inject(HttpClient);

  list(): Observable<Trigger[]> {
    return this.http.get<TriggerList>('/api/triggers').pipe(map((list) => list.items));
  }

  get(id: string): Observable<Trigger> {
    return this.http.get<Trigger>(`/api/triggers/${encodeURIComponent(id)}`);
  }

  create(body: CreateTriggerRequest): Observable<Trigger> {
    return this.http.post<Trigger>('/api/triggers', body);
  }

  update(id: string, body: UpdateTriggerRequest): Observable<Trigger> {
    return this.http.patch<Trigger>(`/api/triggers/${encodeURIComponent(id)}`, body);
  }

  pause(id: string): Observable<Trigger> {
    return this.http.post<Trigger>(`/api/triggers/${encodeURIComponent(id)}/pause`, {});
  }

  resume(id: string): Observable<Trigger> {
    return this.http.post<Trigger>(`/api/triggers/${encodeURIComponent(id)}/resume`, {});
  }

  releaseWatermark(id: string): Observable<Trigger> {
    return this.http.post<Trigger>(`/api/triggers/${encodeURIComponent(id)}/release-watermark`, {});
  }

  /** Whether `filter` keeps a stored delivery (execution) of the trigger; viewers may ask. */
  filterTest(id: string, request: FilterTestRequest): Observable<FilterTestResult> {
    return this.http.post<FilterTestResult>(
      `/api/triggers/${encodeURIComponent(id)}/filter-test`,
      request,
    );
  }

  /** Which routes would have taken each of the trigger's recent deliveries; viewers may ask. */
  routeTest(id: string, request: RouteTestRequest): Observable<RouteTestResult> {
    return this.http.post<RouteTestResult>(
      `/api/triggers/${encodeURIComponent(id)}/route-test`,
      request,
    );
  }

  /** A router's routes with their triggers' state and 24-hour outcomes. */
  routeHealth(id: string): Observable<RouterHealth> {
    return this.http.get<RouterHealth>(`/api/triggers/${encodeURIComponent(id)}/route-health`);
  }

  /** Without `force`, a trigger with open work answers 409 trigger_has_open_work. */
  remove(id: string, force = false): Observable<void> {
    const params = force ? new HttpParams().set('force', 'true') : undefined;
    return this.http.delete<void>(`/api/triggers/${encodeURIComponent(id)}`, { params });
  }
}
